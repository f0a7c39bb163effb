"""`andon eval run --model openai`: the LLM path end to end against the scripted OpenAI-compatible server
(real `openai` client, real HTTP, streamed tool calls), in one process and in worker processes.

The scripted "LLM" calls the OEE tool, then answers with the figure the tool returned; the harness
grades that answer against gold computed from the plant, counts tokens and pass^k over repeats.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.testing import ScriptedRequest, ScriptedServer, ScriptedTurn, call_tool, reply
from ui.cli import main

SUITE = """
suite: llm
cases:
  - id: oee-en
    input: What was the OEE of Line 1 yesterday?
    level: L2
    expect:
      domains: [production]
      tool_calls: [{name: oee, args: {target: [L1], period: [yesterday]}}]
      answer: [{numeric: {gold: {fn: line_oee, args: {line: L1, period: yesterday}}, tolerance: 0.005}}]
      grounded: true
  - id: oee-zh
    input: 1号线昨天的OEE是多少？
    lang: zh
    level: L2
    expect:
      domains: [production]
      tool_calls: [{name: oee, args: {target: [L1], period: [yesterday]}}]
      answer: [{numeric: {gold: {fn: line_oee, args: {line: L1, period: yesterday}}, tolerance: 0.005}}]
      grounded: true
"""


def answer_from_the_tool(request: ScriptedRequest) -> ScriptedTurn:
    """First turn: call the OEE tool. Second turn: answer with the OEE the tool computed."""
    last = request.messages[-1]
    if last.get("role") != "tool":
        return call_tool("oee", target="L1", period="yesterday")
    payload = re.search(r"\{.*\}", str(last["content"]), re.DOTALL)
    assert payload is not None, last["content"]
    oee = json.loads(payload.group(0))["figures"]["oee"]
    return reply(f"The OEE of Line 1 yesterday was {oee * 100:.1f}%.")


@pytest.fixture
def llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_plant_path: Path) -> Iterator[ScriptedServer]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANDON_DATA_HOME", str(tmp_path / "home"))
    shutil.copy(small_plant_path, tmp_path / "plant.db")
    (tmp_path / "llm.yaml").write_text(SUITE, encoding="utf-8")
    with ScriptedServer(answer_from_the_tool) as server:
        monkeypatch.setenv("ANDON_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("ANDON_LLM_MODEL", "scripted")
        yield server


def run_cli(args: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        main(args)
    return int(info.value.code or 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_llm_cases_are_graded_against_gold_with_tokens_and_pass_hat_k(
    llm: ScriptedServer, tmp_path: Path, workers: int, worker_cases: list[str]
) -> None:
    args = ["eval", "run", "llm.yaml", "--model", "openai", "--database", f"sqlite:///{tmp_path / 'plant.db'}"]
    options = ["--repeats", "2", "--workers", str(workers), "--no-cache", "--fail-under", "1.0", "--out", "run"]
    assert run_cli([*args, *options]) == 0
    assert sorted(worker_cases) == ([] if workers == 1 else ["oee-en", "oee-en", "oee-zh", "oee-zh"])

    report: dict[str, Any] = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    summary = report["summary"]
    assert report["manifest"]["settings"]["model_id"] == "openai:scripted"
    assert (summary["cases"], summary["attempts"], summary["pass_rate"]) == (2, 4, 1.0)
    assert summary["ungrounded_numbers"] == 0
    assert summary["tool_call_accuracy"] == 1.0
    assert summary["answer_accuracy"] == 1.0
    assert summary["pass_hat_k"] == summary["pass_at_k"] == {"1": 1.0, "2": 1.0}
    assert summary["errors"] == 0
    # 2 cases x 2 repeats x (tool call + answer); tier 1 is sure of the domain, so no routing call.
    assert len(llm.chat_requests) == 8
    assert all(r.body.get("stream") is True for r in llm.chat_requests)
    assert summary["prompt_tokens"] > 1000  # four system prompts with tool schemas, counted by the server
    assert summary["completion_tokens"] > 0
    lines = (tmp_path / "run" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    answers = {json.loads(line)["outcome"]["answer"] for line in lines}
    # One reading line per language (en and zh cases), then the model's own words, the same in every attempt.
    assert {answer.split("\n\n", 1)[0].split(" · ")[0] for answer in answers} == {
        "Reading: OEE (availability × performance × quality rate)",
        "理解：OEE（可用率×性能率×质量率）",
    }
    assert {answer.split("\n\n", 1)[1] for answer in answers} == {"The OEE of Line 1 yesterday was 76.9%."}
