"""The console's Evaluations tab runs a suite in its own process, through the same evaluation module as
`andon eval run`, and reports progress attempt by attempt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ui.config import AndonSettings
from ui.console.backend import ConsoleBackend

SUITE = """
suite: console
cases:
  - {id: p1, input: "2号线昨天的OEE是多少?", lang: zh, level: L2, expect: {domains: [production], route_only: true}}
  - {id: m1, input: "CNC-03有哪些未完成的维修工单?", lang: zh, level: L2,
     expect: {domains: [maintenance], route_only: true}}
  - {id: o1, input: "Write me a poem about the sea", level: L1, expect: {domains: [out_of_scope], route_only: true}}
"""


def test_a_console_run_is_played_in_process_with_progress_per_attempt(tmp_path: Path) -> None:
    suite = tmp_path / "console.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    backend = ConsoleBackend(AndonSettings(data_home=tmp_path / "home"), assistant=None)
    calls: list[tuple[Any, str]] = []

    card, report_path = backend.run_eval(str(suite), progress=lambda value, desc="": calls.append((value, desc)))

    assert [value for value, _ in calls] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    report = json.loads((Path(report_path).parent / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["cases"] == 3
    assert report["summary"]["routing_accuracy"] == 1.0
    assert "routing accuracy" in card
    assert Path(report_path).parent.name.endswith("-console")
    assert backend.eval_runs() == [Path(report_path).parent.name]


def test_a_bad_suite_is_one_line_in_the_card(tmp_path: Path) -> None:
    backend = ConsoleBackend(AndonSettings(data_home=tmp_path / "home"), assistant=None)
    card, report_path = backend.run_eval(str(tmp_path / "nowhere.yaml"))
    assert card.startswith("✗ ")
    assert "nowhere.yaml" in card
    assert "\n" not in card
    assert report_path == ""
