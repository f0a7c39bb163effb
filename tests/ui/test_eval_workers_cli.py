"""`andon eval run --workers N`: the offline assistant in worker processes grades exactly as in process.

Real composition end to end (router, offline model, tools, proposals on a copy of the small plant);
only the number of processes differs between the two runs.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ui.cli import main

SUITE = """
suite: workers
cases:
  - id: oee-en
    input: What was the OEE of Line 1 yesterday?
    level: L2
    expect:
      domains: [production]
      tool_calls: [{name: oee, args: {target: [L1, Line 1, line 1, 1号线], period: [yesterday, 昨天]}}]
      answer: [{numeric: {gold: {fn: line_oee, args: {line: L1, period: yesterday}}, tolerance: 0.005}}]
      grounded: true
  - id: oee-zh
    input: 2号线昨天的OEE是多少？
    lang: zh
    level: L2
    expect:
      domains: [production]
      answer: [{numeric: {gold: {fn: line_oee, args: {line: L2, period: yesterday}}, tolerance: 0.005}}]
      grounded: true
  - id: propose-zh
    input: 给CNC-03报修：主轴振动一直在升高
    lang: zh
    level: L4
    expect:
      domains: [maintenance]
      propose: {action: propose_maintenance_request, payload: {equipment: [CNC-03]}}
  - id: route-only
    input: Scrap rate of line 3 last week?
    level: L1
    expect: {domains: [quality], route_only: true}
"""


def run_cli(args: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        main(args)
    return int(info.value.code or 0)


def case_results(run: Path) -> dict[str, tuple[dict[str, bool], str]]:
    """Per case: the verdict of each grader, and the answer."""
    lines = (run / "results.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    return {r["case_id"]: ({c["grader"]: c["passed"] for c in r["checks"]}, r["outcome"]["answer"]) for r in records}


def test_workers_grade_like_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_plant_path: Path, capsys: Any, worker_cases: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANDON_DATA_HOME", str(tmp_path / "home"))
    plant = tmp_path / "plant.db"
    shutil.copy(small_plant_path, plant)
    (tmp_path / "workers.yaml").write_text(SUITE, encoding="utf-8")
    common = ["eval", "run", "workers.yaml", "--database", f"sqlite:///{plant}", "--no-cache", "--concurrency", "4"]

    assert run_cli([*common, "--out", "one"]) == 0
    assert worker_cases == []
    assert run_cli([*common, "--out", "two", "--workers", "2"]) == 0
    assert "starting 2 eval workers" in capsys.readouterr().err
    assert sorted(worker_cases) == ["oee-en", "oee-zh", "propose-zh"]  # routing-only cases stay with the router

    one, two = case_results(tmp_path / "one"), case_results(tmp_path / "two")
    assert set(one) == {"oee-en", "oee-zh", "propose-zh", "route-only"}
    for case in ("oee-en", "oee-zh", "route-only"):
        assert all(one[case][0].values()), one[case]
    assert one["propose-zh"][0]["propose"] is True  # the proposal was raised (and not executed)
    assert two == one  # same verdicts and the same answers, word for word
    # The proposal went to the run's own store, never to the plant's queue, and into the run's audit log.
    audit = (tmp_path / "two" / "audit.jsonl").read_text(encoding="utf-8")
    assert "propose_maintenance_request" in audit
    for run in ("one", "two"):
        with sqlite3.connect(tmp_path / run / "proposals.db") as db:
            assert db.execute("SELECT action, status FROM tool_proposal").fetchall() == [
                ("propose_maintenance_request", "pending")
            ]
    with sqlite3.connect(plant) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "tool_proposal" not in tables
