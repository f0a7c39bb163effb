"""`andon mcp serve` over stdio and streamable HTTP, tested with the SDK's own client; `[[mcp_servers]]` in
andon.toml (a tiny SDK historian, and Andon's own HTTP server) through `andon tools` and `andon proposals`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from tools.plugins import BUILTIN, load_registry
from ui.tokens import hash_token

HISTORIAN = Path(__file__).parents[1] / "tools" / "historian_mcp_server.py"
MIA_TOKEN = "andon_mia-" + "m" * 40  # operator, line L1 only
EVE_TOKEN = "andon_eve-" + "e" * 40  # engineer
Cli = Callable[..., tuple[int, str, str]]
ANDON = [sys.executable, "-c", "from ui.cli import main; main()"]


def write_config(folder: Path, unused_port: int, *, users: bool = True) -> None:
    writes = folder / "writes.jsonl"
    text = ""
    if users:
        text += f"""
default_user = "op"

[[users]]
name = "op"
role = "operator"

[[users]]
name = "mia"
role = "operator"
scopes = ["L1"]
token_hash = "{hash_token(MIA_TOKEN)}"

[[users]]
name = "eve"
role = "engineer"
token_hash = "{hash_token(EVE_TOKEN)}"
"""
    text += f"""
[[mcp_servers]]
name = "historian"
command = {json.dumps(sys.executable)}
args = [{json.dumps(str(HISTORIAN))}]
env = {{ HISTORIAN_WRITES = {json.dumps(str(writes))} }}
domain = "equipment"
read_only = ["read_tag", "tag_notes"]
connect_timeout_s = 60

[[mcp_servers]]
name = "mes"
url = "http://127.0.0.1:{unused_port}/mcp"
domain = "production"
connect_timeout_s = 5
"""
    (folder / "andon.toml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def plant_dir(tmp_path_factory: pytest.TempPathFactory, small_plant_path: Path, port_picker: Callable[[], int]) -> Path:
    """A working directory with the small demo plant in ./.andon and users with bearer tokens."""
    root = tmp_path_factory.mktemp("mcp_cli")
    (root / ".andon").mkdir()
    shutil.copy(small_plant_path, root / ".andon" / "plant.db")
    write_config(root, port_picker())
    return root


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}


@pytest.fixture(scope="module")
def http_server(plant_dir: Path, port_picker: Callable[[], int]) -> Iterator[str]:
    """`andon mcp serve --http` on a free 127.0.0.1 port; yields the endpoint url."""
    port = port_picker()
    process = subprocess.Popen(
        [*ANDON, "mcp", "serve", "--http", "--port", str(port)],
        cwd=plant_dir,
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.25)
    if process.poll() is not None:
        pytest.fail(f"andon mcp serve --http exited: {process.stderr.read() if process.stderr else ''}")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def in_plant(plant_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(plant_dir)
    for name in [key for key in os.environ if key.startswith("ANDON_")]:
        monkeypatch.delenv(name)
    return plant_dir


def over_http(url: str, token: str | None, calls: list[tuple[str, dict[str, Any]]], mode: str = "auto") -> list[Any]:
    async def go() -> list[Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with (
            httpx2.AsyncClient(headers=headers) as http,
            Client(streamable_http_client(url, http_client=http), cache=None, mode=mode) as client,
        ):
            await client.list_tools()
            return [await client.call_tool(name, arguments) for name, arguments in calls]

    return anyio.run(go)


def audit_lines(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / ".andon" / "audit.jsonl").read_text().splitlines()]


def test_stdio_serves_every_tool_as_the_given_user(plant_dir: Path) -> None:
    async def go() -> tuple[list[Any], list[Any]]:
        params = StdioServerParameters(
            command=ANDON[0], args=[*ANDON[1:], "mcp", "serve", "--user", "mia"], cwd=plant_dir
        )
        async with Client(params, cache=None) as client:
            tools = list((await client.list_tools()).tools)
            answers = [
                await client.call_tool("oee", {"target": "L1", "period": "yesterday"}),
                await client.call_tool("oee", {"target": "L2", "period": "yesterday"}),
                await client.call_tool("historian.read_tag", {"tag": "CNC-03.VIB"}),
            ]
            return tools, answers

    tools, (own_line, other_line, historian) = anyio.run(go)
    names = [item.name for item in tools]
    assert len(names) == len(load_registry([BUILTIN])) + 7  # the built-in tools and the historian's, re-served
    assert {"oee", "propose_maintenance_request", "historian.read_tag", "historian.write_setpoint"} <= set(names)
    setpoint = next(item for item in tools if item.name == "historian.write_setpoint")
    assert setpoint.annotations.destructive_hint is True
    assert own_line.is_error is False
    assert own_line.structured_content["scope"] == {"line": "L1"}
    assert 0 < own_line.structured_content["figures"]["oee"] < 1
    assert other_line.is_error is True
    assert other_line.content[0].text == "denied: not permitted / 无权限: mia may only see L1 (仅限 L1), not L2"
    assert historian.structured_content["structured"] == {"tag": "CNC-03.VIB", "value": 4.2, "unit": "mm/s"}
    calls = [(e["user"], e["tool"], e["outcome"]) for e in audit_lines(plant_dir)[-3:]]
    assert calls == [("mia", "oee", "ok"), ("mia", "oee", "denied"), ("mia", "historian.read_tag", "ok")]


def test_http_needs_a_bearer_token_of_a_configured_user(http_server: str) -> None:
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {}}
    headers = {"Accept": "application/json, text/event-stream"}
    assert httpx.post(http_server, json=initialize, headers=headers).status_code == 401
    wrong = {**headers, "Authorization": "Bearer andon_" + "x" * 43}
    refused = httpx.post(http_server, json=initialize, headers=wrong)
    assert refused.status_code == 401
    assert refused.json() == {"error": "invalid_token", "error_description": "Authentication required"}
    with pytest.raises(BaseException, match="error"):
        over_http(http_server, None, [("oee", {"target": "L1"})])


def test_http_acts_as_the_tokens_user_with_their_role_and_scopes(http_server: str, plant_dir: Path) -> None:
    own, other = over_http(http_server, MIA_TOKEN, [("oee", {"target": "L1"}), ("oee", {"target": "L2"})])
    assert own.is_error is False
    assert own.structured_content["scope"] == {"line": "L1"}
    assert other.is_error is True
    assert "mia may only see L1" in other.content[0].text
    # A client of the 2025 protocol (initialize handshake) is served the same way.
    [whole_plant] = over_http(http_server, EVE_TOKEN, [("oee", {"target": "L2"})], mode="legacy")
    assert whole_plant.is_error is False
    assert whole_plant.structured_content["scope"] == {"line": "L2"}
    calls = [(e["user"], e["role"], e["outcome"]) for e in audit_lines(plant_dir)[-3:]]
    assert calls == [("mia", "operator", "ok"), ("mia", "operator", "denied"), ("eve", "engineer", "ok")]


def test_a_write_over_http_is_a_pending_proposal_approved_in_andon(
    http_server: str, in_plant: Path, andon_cli: Cli
) -> None:
    [proposed] = over_http(
        http_server, MIA_TOKEN, [("propose_maintenance_request", {"equipment": "CNC-01", "problem": "主轴异响"})]
    )
    assert proposed.is_error is False
    proposal_id = proposed.structured_content["proposal_id"]
    code, out, _ = andon_cli("proposals", "show", str(proposal_id))
    shown = json.loads(out)
    assert (shown["status"], shown["requested_by"], shown["payload"]["equipment"]) == ("pending", "mia", "CNC-01")
    code, out, _ = andon_cli("proposals", "approve", str(proposal_id), "--user", "eve", "--json")
    assert code == 0
    assert json.loads(out)["status"] == "executed"


def test_http_refuses_to_start_without_tokens(
    tmp_path: Path, port_picker: Callable[[], int], monkeypatch: pytest.MonkeyPatch, andon_cli: Cli
) -> None:
    write_config(tmp_path, port_picker(), users=False)
    monkeypatch.chdir(tmp_path)
    for host in ("127.0.0.1", "0.0.0.0"):
        code, _, err = andon_cli("mcp", "serve", "--http", "--host", host, "--port", str(port_picker()))
        assert code == 2
        [line] = [line for line in err.splitlines() if line.strip()]
        assert line.startswith("error: refusing to serve MCP over HTTP")
        assert "andon users new-token" in line
        assert ("on 0.0.0.0 (not this machine only)" in line) is (host == "0.0.0.0")


def test_serve_refuses_unknown_users_and_mixed_options(in_plant: Path, andon_cli: Cli) -> None:
    code, _, err = andon_cli("mcp", "serve", "--user", "nobody")
    assert (code, err.strip()) == (2, "error: unknown user 'nobody' / 未知用户; known users: op, mia, eve")
    code, _, err = andon_cli("mcp", "serve", "--user", "mia", "--role", "admin")
    assert code == 2
    assert "mia is operator and cannot act as admin" in err
    code, _, err = andon_cli("mcp", "serve", "--http", "--user", "mia")
    assert code == 2
    assert "--user/--role apply to stdio" in err
    code, _, err = andon_cli("mcp", "serve", "--port", "9999")
    assert (code, err.strip()) == (2, "error: --host/--port need --http / --host/--port 需要 --http")


def test_tools_list_shows_mcp_tools_and_a_server_that_is_down(in_plant: Path, andon_cli: Cli) -> None:
    code, out, _ = andon_cli("tools", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    mcp_tools = {item["name"]: item for item in listed["tools"] if item["source"] == "mcp:historian"}
    assert set(mcp_tools) == {
        "historian.read_tag",
        "historian.tag_notes",
        "historian.write_setpoint",
        "historian.purge_history",
        "historian.acknowledge_alarm",
        "historian.slow_query",
        "historian.server_pid",
    }
    assert mcp_tools["historian.read_tag"]["permission"] == "read"
    assert mcp_tools["historian.slow_query"]["permission"] == "write"  # not allow-listed here
    assert mcp_tools["historian.read_tag"]["domain"] == "equipment"
    assert len(listed["tools"]) == len(load_registry([BUILTIN])) + 7
    [down] = listed["broken"]
    assert down["name"] == "mcp:mes"
    assert "ConnectError: All connection attempts failed" in down["error"]


def test_an_approved_mcp_write_performs_the_call_once(in_plant: Path, andon_cli: Cli) -> None:
    writes = in_plant / "writes.jsonl"
    writes.unlink(missing_ok=True)
    arguments = json.dumps({"tag": "CNC-03.SPEED", "value": 900})
    code, out, err = andon_cli("tools", "call", "historian.write_setpoint", "--args", arguments, "--json")
    assert code == 0, err
    proposal_id = json.loads(out)["proposal"]["id"]
    assert not writes.exists()
    code, out, _ = andon_cli("proposals", "approve", str(proposal_id), "--user", "eve", "--json")
    assert code == 0
    approved = json.loads(out)
    assert (approved["status"], approved["result_summary"]) == (
        "executed",
        "historian.write_setpoint: setpoint CNC-03.SPEED = 900.0 written",
    )
    assert [json.loads(line) for line in writes.read_text().splitlines()] == [{"tag": "CNC-03.SPEED", "value": 900}]
    last = audit_lines(in_plant)[-1]
    assert (last["event"], last["user"], last["tool"], last["outcome"]) == (
        "approve",
        "eve",
        "historian.write_setpoint",
        "executed",
    )


def test_andons_own_http_server_as_an_mcp_server_of_another_andon(
    http_server: str,
    plant_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    andon_cli: Cli,
) -> None:
    (tmp_path / "andon.toml").write_text(
        f"""
database_url = "sqlite:///{plant_dir / ".andon" / "plant.db"}"

[[mcp_servers]]
name = "plant"
url = "{http_server}"
bearer_token = "{MIA_TOKEN}"
domain = "production"
read_only = ["oee"]
""",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = andon_cli("tools", "list", "--json")
    listed = {item["name"]: item for item in json.loads(out)["tools"]}
    assert (listed["plant.oee"]["permission"], listed["plant.oee"]["source"]) == ("read", "mcp:plant")
    assert listed["plant.propose_maintenance_request"]["permission"] == "write"  # Andon marks it destructive
    assert listed["plant.downtime_pareto"]["permission"] == "write"  # not allow-listed
    code, out, _ = andon_cli("tools", "call", "plant.oee", "--args", '{"target": "L2"}', "--json")
    assert code == 2
    assert json.loads(out)["message"] == (
        "plant.oee failed / 外部工具出错: denied: not permitted / 无权限: mia may only see L1 (仅限 L1), not L2"
    )
    code, out, err = andon_cli("tools", "call", "plant.oee", "--args", '{"target": "L1"}', "--json")
    assert code == 0, err
    remote = json.loads(out)["result"]["structured"]
    assert remote["scope"] == {"line": "L1"}
    assert 0 < remote["figures"]["oee"] < 1
    # The serving Andon audited the call as the token's user, this one as its own caller.
    served = audit_lines(plant_dir)[-1]
    assert (served["user"], served["tool"], served["outcome"]) == ("mia", "oee", "ok")


def test_bad_mcp_server_config_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, andon_cli: Cli) -> None:
    (tmp_path / "andon.toml").write_text(
        '[[mcp_servers]]\nname = "x"\ncommand = "x"\nurl = "http://127.0.0.1:1/mcp"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = andon_cli("tools", "list")
    assert code == 2
    assert err.strip() == (
        "error: invalid configuration (andon.toml or ANDON_* environment): mcp_servers.0: "
        "Value error, mcp server 'x': set command (stdio) or url (streamable HTTP), exactly one"
    )


def test_new_token_prints_a_token_and_its_hash(andon_cli: Cli) -> None:
    code, out, _ = andon_cli("users", "new-token")
    assert code == 0
    token_line, hash_line = out.strip().splitlines()
    token = token_line.rsplit(" ", 1)[1]
    assert token.startswith("andon_")
    assert len(token) == len("andon_") + 43
    assert hash_line.endswith(f'token_hash = "{hash_token(token)}"')
    code, out, _ = andon_cli("users", "hash-token", "--token", token)
    assert out.strip() == hash_token(token)
    code, _, err = andon_cli("users", "hash-token", "--token", "short")
    assert code == 2
    assert "at least 24 characters" in err
