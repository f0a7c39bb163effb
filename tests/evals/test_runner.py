"""The runner: bounded concurrency, per-attempt timeout, retries on transport errors, cache, resume."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from evals.cache import ResponseCache
from evals.errors import EvalError, JudgeError
from evals.executor import TransportError, is_transport_error
from evals.graders import CheckResult
from evals.outcome import CaseOutcome
from evals.records import RunSettings
from evals.runner import RESULTS_FILE, load_records, run_suites
from evals.schema import CaseSpec
from evals.testing import ScriptedExecutor, route_case, suite_of


def right(case: CaseSpec, attempt: int) -> CaseOutcome:
    return CaseOutcome(domains=list(case.expect.domains))


SUITE = suite_of([route_case(f"c{i}", "production") for i in range(12)])


def run(executor: ScriptedExecutor, out: Path, **settings: object) -> object:
    options = {"model_id": executor.model_id, **settings}
    return asyncio.run(run_suites([SUITE], executor, RunSettings.model_validate(options), out))


def test_concurrency_is_bounded_by_the_semaphore(out_dir: Path) -> None:
    executor = ScriptedExecutor(right, delay=0.02)
    result = run(executor, out_dir, concurrency=3)
    assert executor.peak == 3
    assert executor.calls == 12
    assert all(r.passed for r in result.records)  # type: ignore[attr-defined]


def test_slow_attempt_times_out_and_fails(out_dir: Path) -> None:
    executor = ScriptedExecutor(right, delay=0.5)
    result = run(executor, out_dir, timeout_s=0.05, concurrency=12)
    reasons = {c.reason for r in result.records for c in r.checks if not c.passed}  # type: ignore[attr-defined]
    assert "attempt failed: timeout after 0.05s" in reasons


def test_transport_errors_are_retried_then_succeed(out_dir: Path) -> None:
    executor = ScriptedExecutor(right, fail_first={"c0": 2}, raise_error=TransportError)
    result = run(executor, out_dir, retries=2)
    assert executor.calls == 14  # 12 cases + 2 retries of c0
    assert all(r.passed for r in result.records)  # type: ignore[attr-defined]


def test_transport_errors_beyond_the_retries_fail_the_attempt(out_dir: Path) -> None:
    executor = ScriptedExecutor(right, fail_first={"c0": 5}, raise_error=ConnectionError)
    result = run(executor, out_dir, retries=1)
    c0 = next(r for r in result.records if r.case_id == "c0")  # type: ignore[attr-defined]
    assert c0.outcome.error.startswith("transport error after 2 tries: ConnectionError")


def test_other_errors_are_not_retried(out_dir: Path) -> None:
    executor = ScriptedExecutor(right, fail_first={"c0": 1}, raise_error=ValueError)
    run(executor, out_dir, retries=3)
    assert executor.calls == 12
    assert is_transport_error(ValueError()) is False


def test_cache_makes_a_rerun_cheap_and_identical(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "cache")
    settings = RunSettings(model_id="fake-model")
    first = ScriptedExecutor(right)
    asyncio.run(run_suites([SUITE], first, settings, tmp_path / "a", cache=cache))
    second = ScriptedExecutor(lambda case, attempt: CaseOutcome(domains=["quality"]))
    result = asyncio.run(run_suites([SUITE], second, settings, tmp_path / "b", cache=cache))
    assert second.calls == 0
    assert result.cache_hits == 12
    assert all(r.passed and r.cached for r in result.records)
    # Another seed is another plant: no hit.
    third = ScriptedExecutor(right)
    asyncio.run(run_suites([SUITE], third, RunSettings(model_id="fake-model", seed=8), tmp_path / "c", cache=cache))
    assert third.calls == 12


def test_interrupted_run_resumes_without_redoing_recorded_attempts(out_dir: Path) -> None:
    settings = RunSettings(model_id="fake-model", repeats=2)
    asyncio.run(run_suites([SUITE], ScriptedExecutor(right), settings, out_dir))
    lines = (out_dir / RESULTS_FILE).read_text(encoding="utf-8").splitlines()
    # Simulate an interruption: keep 10 attempts and a torn last line.
    (out_dir / RESULTS_FILE).write_text("\n".join(lines[:10]) + "\n" + lines[10][:40], encoding="utf-8")
    executor = ScriptedExecutor(right)
    result = asyncio.run(run_suites([SUITE], executor, settings, out_dir))
    assert executor.calls == 14
    assert result.skipped == 10
    assert len(result.records) == 24
    assert len(load_records(out_dir)) == 24


def test_resume_refuses_another_model(out_dir: Path) -> None:
    asyncio.run(run_suites([SUITE], ScriptedExecutor(right), RunSettings(model_id="fake-model"), out_dir))
    other = ScriptedExecutor(right, model_id="other")
    with pytest.raises(EvalError, match="holds a run with another model"):
        asyncio.run(run_suites([SUITE], other, RunSettings(model_id="other"), out_dir))


def test_results_are_jsonl_with_outcome_and_checks(out_dir: Path) -> None:
    run(ScriptedExecutor(right), out_dir)
    first = json.loads((out_dir / RESULTS_FILE).read_text(encoding="utf-8").splitlines()[0])
    assert first["checks"][0]["grader"] == "route"
    assert first["outcome"]["domains"] == ["production"]


class SameModelJudge:
    model_id = "fake-model"

    async def grade(self, case: CaseSpec, outcome: CaseOutcome) -> CheckResult:
        return CheckResult(grader="rubric", passed=True)


def test_judge_must_differ_from_the_model_under_test(out_dir: Path) -> None:
    with pytest.raises(JudgeError, match="must be a different model"):
        asyncio.run(
            run_suites(
                [SUITE], ScriptedExecutor(right), RunSettings(model_id="fake-model"), out_dir, judge=SameModelJudge()
            )
        )


class ThreadedExecutor:
    """Blocks a worker thread per attempt until `width` attempts are in flight at once, like the agents'
    synchronous code holds a thread; a pool narrower than `width` breaks the barrier."""

    model_id = "threaded"

    def __init__(self, width: int) -> None:
        import threading

        self.barrier = threading.Barrier(width, timeout=10)
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0

    def _block(self, case: CaseSpec) -> CaseOutcome:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        self.barrier.wait()
        with self.lock:
            self.active -= 1
        return CaseOutcome(domains=list(case.expect.domains))

    async def run(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        return await asyncio.to_thread(self._block, case)


def test_thread_pool_is_as_wide_as_the_concurrency(out_dir: Path) -> None:
    executor = ThreadedExecutor(width=12)
    result = asyncio.run(run_suites([SUITE], executor, RunSettings(model_id="threaded", concurrency=12), out_dir))
    assert executor.peak == 12  # the default pool of a 2-core machine would stop at 6 and break the barrier
    assert all(r.passed for r in result.records)


def test_a_changed_system_fingerprint_misses_the_cache(tmp_path: Path) -> None:
    from evals.cache import source_fingerprint

    code = tmp_path / "system" / "agent.py"
    code.parent.mkdir()
    code.write_text("ANSWER = 1\n", encoding="utf-8")
    before = source_fingerprint([code.parent])
    code.write_text("ANSWER = 2\n", encoding="utf-8")
    after = source_fingerprint([code.parent])
    assert before != after
    settings = RunSettings(model_id="fake-model")
    asyncio.run(
        run_suites(
            [SUITE], ScriptedExecutor(right), settings, tmp_path / "a", cache=ResponseCache(tmp_path / "c", before)
        )
    )
    again = ScriptedExecutor(right)
    asyncio.run(run_suites([SUITE], again, settings, tmp_path / "b", cache=ResponseCache(tmp_path / "c", after)))
    assert again.calls == 12
