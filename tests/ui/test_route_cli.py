"""`andon route TEXT... [--file F] [--json]`: one decision per request, in input order; one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.cli import main

KEYS = {"text", "domains", "confidence", "kind", "scores"}


@pytest.fixture
def workdir(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("ANDON_LLM_BASE_URL", "ANDON_LLM_MODEL", "ANDON_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    # The data home only holds the router's embedding cache here; pytest's cache keeps it between runs.
    cache = getattr(request.config, "cache", None)
    home = Path(cache.mkdir("andon-route-cli")) if cache is not None else tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ANDON_DATA_HOME", str(home))
    return tmp_path


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return int(exit_info.value.code or 0)


def test_json_decisions_in_input_order(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    requests = workdir / "requests.txt"
    requests.write_text("P-101泵最近24小时振动趋势怎么样\n\nwhat's the weather in Suzhou tomorrow\n", encoding="utf-8")
    code = _run(["route", "2号线昨天的OEE是多少?", "--file", str(requests), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [row["text"] for row in out] == [
        "2号线昨天的OEE是多少?",
        "P-101泵最近24小时振动趋势怎么样",
        "what's the weather in Suzhou tomorrow",
    ]
    assert all(set(row) == KEYS for row in out)
    assert [row["domains"][:1] for row in out] == [["production"], ["equipment"], []]
    assert out[2]["kind"] == "out_of_scope"
    assert 0.5 < out[0]["confidence"] <= 1.0
    assert out[0]["scores"]["production"] == out[0]["confidence"]


def test_table_output_names_the_domain(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["route", "MTBF of CNC-03 over the last quarter"]) == 0
    assert "maintenance" in capsys.readouterr().out


def test_a_missing_request_file_is_one_line_and_exit_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(["route", "--file", "nope.txt", "--json"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == "error: request file not found: nope.txt / 找不到请求文件: nope.txt"


def test_no_request_at_all_is_a_user_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = workdir / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    assert _run(["route", "--file", str(empty)]) == 2
    assert capsys.readouterr().err.startswith("error: no request given")


def test_asking_for_the_llm_tier_without_an_llm_is_a_user_error(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["route", "OEE of L2", "--tier", "llm"]) == 2
    assert capsys.readouterr().err.startswith("error: no LLM configured")


def test_a_configured_llm_routes_and_tier_1_covers_its_bad_replies(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from agents.testing import ScriptedServer, reply

    decision = '{"domains": ["quality"], "kind": "single", "confidence": 0.9}'
    with ScriptedServer([reply(decision), reply("I think it is about production.")]) as server:
        monkeypatch.setenv("ANDON_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("ANDON_LLM_MODEL", "scripted")
        code = _run(["route", "scrap on L2 yesterday", "2号线昨天的OEE是多少?", "--json"])
        requests = list(server.requests)
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (out[0]["domains"], out[0]["confidence"]) == (["quality"], 0.9)
    assert out[1]["domains"][0] == "production"  # the reply had no JSON: tier 1 decided
    assert len(requests) == 2
    assert "route requests of factory staff" in json.dumps(requests[0].messages, ensure_ascii=False)
