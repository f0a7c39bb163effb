"""Interop figures: MCP tool-call overhead, and (when measured) OPC UA / MQTT ingest rates.

    python benchmarks/interop.py                  # small demo plant in .andon-bench/interop, 100 calls per path
    python benchmarks/interop.py --repeat 300 --dir /tmp/bench

MCP: `oee` of L2 yesterday on the small demo plant, called the same number of times, interleaved call by
call so that a change in machine load hits every path alike:
  - in-process: `invoke` through `ToolSystem.call` (validation, role check, audit), the baseline;
  - stdio: the SDK's client against `andon mcp serve --user bench`;
  - HTTP: the SDK's client against `andon mcp serve --http` with a bearer token;
  - MCP client: the registry tool `plant.oee` that `[[mcp_servers]]` makes of that same HTTP server.
Every path ends in the same `invoke` (and the same durable audit append), so the differences are the
protocol's cost. p50 / p95 in milliseconds, and the p50 overhead against in-process.

Measurements are functions in `MEASUREMENTS` (below): each takes the `Bench` and returns `Figure`s,
and all figures print in one table. OPC UA / MQTT ingest-rate functions live in
`benchmarks/interop_live.py`; when that module exists, its `MEASUREMENTS` list is appended here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# benchmarks/tools.py would shadow the `tools` package: keep this script's folder off the import path.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]

ARGS = {"target": "L2", "period": "yesterday"}
USER = "bench"


@dataclass(frozen=True)
class Bench:
    """What every measurement gets: a folder with andon.toml and the seeded small plant in ./.andon."""

    folder: Path
    repeat: int


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    note: str = ""


Measurement = Callable[[Bench], list[Figure]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(folder: Path) -> str:
    """Seed the small plant once; write andon.toml with the bench user and a fresh token (returned)."""
    from connectors import DatabaseConfig, open_engine, seed_plant
    from ui.tokens import hash_token, new_token

    plant = folder / ".andon" / "plant.db"
    if not plant.exists():
        print(f"seeding the small demo plant into {plant} ...", flush=True)
        engine = open_engine(DatabaseConfig(url=f"sqlite:///{plant}"))
        seed_plant(engine, scale="small", seed=7)
        engine.dispose()
    token = new_token()
    user = f'[[users]]\nname = "{USER}"\nrole = "engineer"\ntoken_hash = "{hash_token(token)}"\n'
    (folder / "andon.toml").write_text(f'default_user = "{USER}"\n\n{user}', encoding="utf-8")
    return token


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _wait_listening(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"andon mcp serve --http exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.25)
    raise SystemExit(f"andon mcp serve --http did not answer on {url}")


def mcp_overhead(bench: Bench) -> list[Figure]:
    """p50 / p95 of `oee` in-process, over stdio, over HTTP and through the MCP client; interleaved."""
    import anyio
    import httpx2
    from mcp import Client, StdioServerParameters
    from mcp.client.streamable_http import streamable_http_client

    from tools import invoke
    from tools.mcp_client import McpServerConfig, McpSessions, add_mcp_servers
    from tools.registry import Registry
    from ui.config import load_settings
    from ui.system import tool_system

    token = prepare(bench.folder)
    os.chdir(bench.folder)
    system = tool_system(load_settings(bench.folder))
    port = _free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    andon = [sys.executable, "-c", "from ui.cli import main; main()", "mcp", "serve"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    http_server = subprocess.Popen(
        [*andon, "--http", "--port", str(port)], cwd=bench.folder, env=env, stderr=subprocess.DEVNULL
    )
    sessions = McpSessions()
    samples: dict[str, list[float]] = {"in-process": [], "stdio": [], "HTTP": [], "MCP client": []}
    try:
        _wait_listening(url, http_server)
        remote = Registry()
        config = McpServerConfig(
            name="plant",
            domain="production",
            url=url,
            headers={"Authorization": f"Bearer {token}"},
            read_only=frozenset({"oee"}),
        )
        add_mcp_servers(remote, [config], sessions)
        if remote.broken:
            raise SystemExit(f"MCP client could not load Andon's own server: {remote.broken[0].error}")
        client_tool = remote.get("plant.oee")

        def timed(path: str, call: Callable[[], Any]) -> Any:
            began = time.perf_counter()
            answer = call()
            samples[path].append((time.perf_counter() - began) * 1000)
            return answer

        async def run() -> None:
            stdio = StdioServerParameters(command=andon[0], args=[*andon[1:], "--user", USER], cwd=bench.folder)
            async with (
                httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http,
                Client(stdio, cache=None) as over_stdio,
                Client(streamable_http_client(url, http_client=http), cache=None) as over_http,
            ):
                await over_stdio.list_tools()
                await over_http.list_tools()
                for round_no in range(bench.repeat + 5):
                    began = time.perf_counter()
                    outcome = system.call("oee", dict(ARGS), user=USER)
                    in_process = (time.perf_counter() - began) * 1000
                    began = time.perf_counter()
                    by_stdio = await over_stdio.call_tool("oee", dict(ARGS))
                    stdio_ms = (time.perf_counter() - began) * 1000
                    began = time.perf_counter()
                    by_http = await over_http.call_tool("oee", dict(ARGS))
                    http_ms = (time.perf_counter() - began) * 1000
                    began = time.perf_counter()
                    with system.context(USER) as ctx:
                        by_client = invoke(client_tool, ctx, dict(ARGS), audit=system.audit)
                    client_ms = (time.perf_counter() - began) * 1000
                    if not (outcome.ok and not by_stdio.is_error and not by_http.is_error and by_client.ok):
                        raise SystemExit(f"a call failed: {by_stdio.content} {by_http.content} {by_client.message}")
                    expected = outcome.result.model_dump(mode="json") if outcome.result else None
                    if by_stdio.structured_content != expected or by_http.structured_content != expected:
                        raise SystemExit("MCP answered a different result than the in-process call")
                    if round_no >= 5:  # the first rounds warm caches and connections
                        for path, value in zip(samples, (in_process, stdio_ms, http_ms, client_ms), strict=True):
                            samples[path].append(value)

        anyio.run(run)
    finally:
        sessions.close()
        http_server.terminate()
        http_server.wait(timeout=20)
    base, _ = _percentiles(samples["in-process"])
    figures: list[Figure] = []
    for path, values in samples.items():
        p50, p95 = _percentiles(values)
        note = "baseline: invoke + audit" if path == "in-process" else f"+{p50 - base:.1f} ms p50 ({p50 / base:.1f}x)"
        figures.append(Figure(f"MCP oee {path} p50", p50, "ms", note))
        figures.append(Figure(f"MCP oee {path} p95", p95, "ms"))
    return figures


def _live_measurements() -> list[Measurement]:
    """OPC UA / MQTT ingest rates from benchmarks/interop_live.py, when it exists."""
    path = HERE / "interop_live.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location("interop_live", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    live = importlib.util.module_from_spec(spec)
    sys.modules["interop_live"] = live
    spec.loader.exec_module(live)
    return list(getattr(live, "MEASUREMENTS", []))


# ---- the measurements this script runs, in order -------------------------------------------------
# OPC UA / MQTT ingest rates are added by benchmarks/interop_live.py (its MEASUREMENTS list), each a
# function (Bench) -> list[Figure].
MEASUREMENTS: list[Measurement] = [mcp_overhead]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path(".andon-bench/interop"), help="working folder")
    parser.add_argument("--repeat", type=int, default=100, help="calls per path (after 5 warm-up rounds)")
    options = parser.parse_args()
    folder = options.dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    bench = Bench(folder=folder, repeat=options.repeat)
    figures: list[Figure] = []
    for measure in [*MEASUREMENTS, *_live_measurements()]:
        print(f"measuring {measure.__name__} ...", flush=True)
        figures.extend(measure(bench))
    width = max(len(figure.name) for figure in figures)
    print(f"\n{'figure'.ljust(width)}  {'value':>10}  unit  note")
    for figure in figures:
        print(f"{figure.name.ljust(width)}  {figure.value:>10.2f}  {figure.unit:<4}  {figure.note}")
    print(json.dumps({figure.name: round(figure.value, 3) for figure in figures}))


if __name__ == "__main__":
    main()
