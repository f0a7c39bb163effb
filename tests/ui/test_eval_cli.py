"""`andon eval ...`: exit codes (0 passed, 1 below --fail-under, 2 input error), reports, compare, import.

The router and assistant are swapped for a scripted executor (`ui.evaluation.build_executor`, the
evaluation's composition seam), so these tests take seconds and need no model.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest

from evals.outcome import CaseOutcome
from evals.schema import CaseSpec
from evals.testing import ScriptedExecutor
from ui.cli import main

SUITE = """
suite: cli
cases:
  - {id: p1, input: "2号线昨天的OEE是多少?", lang: zh, level: L2, expect: {domains: [production], route_only: true}}
  - {id: q1, input: "Scrap rate of line 3 last week?", level: L2, expect: {domains: [quality], route_only: true}}
  - {id: m1, input: "Open work orders on CNC-03?", level: L2, expect: {domains: [maintenance], route_only: true}}
  - {id: o1, input: "Write me a poem", level: L1, expect: {domains: [out_of_scope], route_only: true}}
"""


def run_cli(args: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        main(args)
    return int(info.value.code or 0)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANDON_DATA_HOME", str(tmp_path / "home"))
    (tmp_path / "cli.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def use_executor(monkeypatch: pytest.MonkeyPatch, wrong: set[str], interrupt: bool = False) -> None:
    interrupts = [signal.SIGINT] if interrupt else []

    def answer(case: CaseSpec, attempt: int) -> CaseOutcome:
        if interrupts:  # one Ctrl+C while the cases are played
            signal.raise_signal(interrupts.pop())
        return CaseOutcome(domains=["production"] if case.id in wrong else list(case.expect.domains))

    def scripted(*args: Any, **kwargs: Any) -> ScriptedExecutor:
        return ScriptedExecutor(answer, model_id="offline")

    monkeypatch.setattr("ui.evaluation.build_executor", scripted)


def test_run_writes_reports_and_exits_0_when_passing(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_executor(monkeypatch, wrong={"q1"})
    assert run_cli(["eval", "run", "cli.yaml", "--out", "run", "--fail-under", "0.75"]) == 0
    report = json.loads((workspace / "run" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["pass_rate"] == 0.75
    assert {c["agent"]: c["grade"] for c in report["cards"]}["quality"] is None
    assert "L2" in (workspace / "run" / "report.html").read_text(encoding="utf-8")


def test_run_below_fail_under_exits_1(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_executor(monkeypatch, wrong={"q1"})
    assert run_cli(["eval", "run", "cli.yaml", "--out", "run", "--fail-under", "90"]) == 1


def test_invalid_suite_exits_2_naming_file_case_and_field(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "bad.yaml").write_text(SUITE.replace("level: L1", "level: L9"), encoding="utf-8")
    assert run_cli(["eval", "run", "bad.yaml", "--out", "run"]) == 2
    err = capsys.readouterr().err
    assert "error: bad.yaml: case 'o1': level: Input should be" in err
    assert "Traceback" not in err


def test_unknown_model_and_missing_suite_exit_2(workspace: Path) -> None:
    assert run_cli(["eval", "run", "cli.yaml", "--model", "gpt-9"]) == 2
    assert run_cli(["eval", "run", "nowhere.yaml"]) == 2
    assert run_cli(["eval", "report", "no-run-here"]) == 2


def test_judge_equal_to_the_model_under_test_is_refused(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_executor(monkeypatch, wrong=set())
    assert run_cli(["eval", "run", "cli.yaml", "--out", "run", "--judge-model", "offline"]) == 2


def test_report_and_compare(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_executor(monkeypatch, wrong={"q1"})
    assert run_cli(["eval", "run", "cli.yaml", "--out", "a"]) == 0
    use_executor(monkeypatch, wrong={"m1"})
    # Same model, inputs and seed: without --no-cache the recorded answers of run a would be reused.
    assert run_cli(["eval", "run", "cli.yaml", "--out", "b", "--no-cache"]) == 0
    capsys.readouterr()
    assert run_cli(["eval", "report", "a"]) == 0
    assert "| routing accuracy / macro-F1 | 75.0%" in capsys.readouterr().out
    assert run_cli(["eval", "compare", "a", "b", "--json"]) == 0
    comparison = json.loads(capsys.readouterr().out)
    assert [(c["case"], c["change"]) for c in comparison["changes"]] == [
        ("cli/m1", "regressed"),
        ("cli/q1", "improved"),
    ]


def test_import_assetopsbench_writes_a_valid_suite(workspace: Path) -> None:
    source = Path("/work/shared/benchmarks/assetopsbench")
    if not source.exists():
        pytest.skip("AssetOpsBench scenarios not present")
    assert run_cli(["eval", "import", f"assetopsbench:{source}", "--out", "aob.yaml"]) == 0
    assert run_cli(["eval", "validate", "aob.yaml"]) == 0


def test_ctrl_c_during_a_run_exits_130_with_one_line(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_executor(monkeypatch, wrong=set(), interrupt=True)
    assert run_cli(["eval", "run", "cli.yaml", "--out", "run"]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "aborted / 已取消"


def test_run_and_report_write_junit_xml(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xml.etree.ElementTree as ET

    use_executor(monkeypatch, wrong={"q1", "m1"})
    assert run_cli(["eval", "run", "cli.yaml", "--out", "run", "--junit", "ci/junit.xml"]) == 0
    root = ET.parse(workspace / "ci" / "junit.xml").getroot()
    assert (root.get("tests"), root.get("failures")) == ("4", "2")
    failed = sorted(c.get("name") or "" for c in root.iter("testcase") if c.find("failure") is not None)
    assert failed == ["m1", "q1"]
    assert (workspace / "run" / "attempts.csv").read_text(encoding="utf-8").count("\n") == 5
    assert run_cli(["eval", "report", "run", "--junit", "again.xml"]) == 0
    assert ET.parse(workspace / "again.xml").getroot().get("failures") == "2"


def test_with_shared_state_in_the_database_a_run_joins_the_index_every_worker_lists(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.config import AndonSettings
    from ui.console.backend import ConsoleBackend

    monkeypatch.setenv("ANDON_SHARED_STATE", "database")
    use_executor(monkeypatch, wrong={"q1"})
    assert run_cli(["eval", "run", "cli.yaml", "--out", "run-a"]) == 0
    assert run_cli(["eval", "run", "cli.yaml", "--out", "run-b"]) == 0
    backend = ConsoleBackend(AndonSettings(data_home=workspace / "home", shared_state="database"), assistant=None)
    assert backend.eval_runs() == ["run-b", "run-a"]
    # Compared from the stored reports, as a worker without the run folders does.
    import shutil

    shutil.rmtree(workspace / "run-a")
    compared = backend.compare_runs("run-a", "run-b").splitlines()
    assert compared[0].endswith("(offline)")
    assert "| metric | A | B |" in compared
