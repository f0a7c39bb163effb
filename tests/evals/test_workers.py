"""Worker processes: cases played in spawned processes, with the runner's limits, errors and resume."""

from __future__ import annotations

import asyncio
import gc
import os
import time
from pathlib import Path

import pytest

from evals.errors import EvalError
from evals.executor import TransportError
from evals.outcome import CaseOutcome
from evals.records import RunSettings
from evals.runner import RESULTS_FILE, RunResult, load_records, run_suites
from evals.testing import WorkerScript, route_case, suite_of
from evals.workers import ProcessExecutor

SUITE = suite_of([route_case(f"c{i}", "production") for i in range(12)])


def run(script: WorkerScript, out: Path, *, workers: int = 2, **settings: object) -> RunResult:
    options = {"model_id": script.model_id, "concurrency": 4, **settings}
    run_settings = RunSettings.model_validate(options)
    executor = ProcessExecutor(script, model_id=script.model_id, workers=workers, concurrency=run_settings.concurrency)
    with executor:
        return asyncio.run(run_suites([SUITE], executor, run_settings, out))


def answering_processes(result: RunResult) -> set[str]:
    return {r.outcome.answer.split(" pid ")[1] for r in result.records if not r.outcome.error}


def test_cases_are_played_in_every_worker_and_graded_in_the_parent(out_dir: Path) -> None:
    result = run(WorkerScript(delay=0.05), out_dir, workers=2)
    assert len(result.records) == 12
    assert all(r.passed for r in result.records)
    pids = answering_processes(result)
    assert len(pids) == 2
    assert str(os.getpid()) not in pids
    assert {r.outcome.answer.split(" pid ")[0] for r in result.records} == {"worker 0", "worker 1"}
    assert len((out_dir / RESULTS_FILE).read_text(encoding="utf-8").splitlines()) == 12


def test_an_error_in_a_worker_fails_that_case_with_its_own_class_name(out_dir: Path) -> None:
    result = run(WorkerScript(reject="c3"), out_dir)
    c3 = next(r for r in result.records if r.case_id == "c3")
    assert not c3.passed
    assert c3.outcome.error == "ValueError: case c3 is not for this worker"
    assert sum(r.passed for r in result.records) == 11


def test_transport_errors_in_a_worker_are_retried(out_dir: Path) -> None:
    script = WorkerScript(fail_first=(("c0", 2),), raise_error=TransportError)
    result = run(script, out_dir, workers=1, retries=2)
    assert all(r.passed for r in result.records)

    too_many = WorkerScript(fail_first=(("c0", 5),), raise_error=ConnectionError)
    again = run(too_many, out_dir / "again", workers=1, retries=1)
    c0 = next(r for r in again.records if r.case_id == "c0")
    assert c0.outcome.error == "transport error after 2 tries: ConnectionError: connection reset by peer"


def test_a_slow_case_times_out_in_the_parent(out_dir: Path) -> None:
    result = run(WorkerScript(delay=1.0), out_dir, timeout_s=0.1, concurrency=12)
    assert {r.outcome.error for r in result.records} == {"timeout after 0.1s"}


def test_a_dead_worker_stops_the_run_and_the_run_resumes(out_dir: Path) -> None:
    with pytest.raises(EvalError, match=r"eval worker 0 stopped unexpectedly \(exit code 3\)"):
        run(WorkerScript(crash_on="c5"), out_dir, workers=1, concurrency=1)
    done = {r.case_id for r in load_records(out_dir)}
    assert done == {f"c{i}" for i in range(5)}  # one at a time, in order: c0-c4 answered before c5 crashed

    resumed = run(WorkerScript(), out_dir, workers=1, concurrency=1)
    assert resumed.skipped == len(done)
    assert resumed.executed == 12 - len(done)
    assert len(resumed.records) == 12
    assert all(r.passed for r in resumed.records)


def test_a_dead_worker_with_cases_in_flight_stops_the_run_quietly(
    out_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The attempts still in flight are cancelled and awaited: asyncio has nothing left to complain about.
    with pytest.raises(EvalError, match="stopped unexpectedly"):
        run(WorkerScript(crash_on="c1", delay=0.2), out_dir, workers=1, concurrency=4)
    gc.collect()  # "Task exception was never retrieved" is reported when a task is collected
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []


def test_a_worker_that_cannot_start_is_one_clear_error(out_dir: Path) -> None:
    with pytest.raises(EvalError, match="eval worker 0 could not start: RuntimeError: no plant database here"):
        run(WorkerScript(fail_start="no plant database here"), out_dir)


def test_workers_must_test_the_model_the_run_names(out_dir: Path) -> None:
    executor = ProcessExecutor(WorkerScript(model_id="model-a"), model_id="model-b", workers=1, concurrency=1)
    with pytest.raises(EvalError, match="eval worker 0 tests model-a, not model-b"):
        executor.start()


def test_worker_count_must_be_positive() -> None:
    with pytest.raises(EvalError, match="workers must be at least 1"):
        ProcessExecutor(WorkerScript(), model_id="fake-model", workers=0, concurrency=1)


def test_outcomes_cross_the_process_boundary_intact(out_dir: Path) -> None:
    # The record the parent writes is the worker's outcome, field for field.
    result = run(WorkerScript(), out_dir, workers=1)
    outcome = result.records[0].outcome
    assert isinstance(outcome, CaseOutcome)
    assert outcome.domains == ["production"]
    assert outcome.answer.startswith("worker 0 pid ")


def test_ctrl_c_is_left_to_the_parent(out_dir: Path) -> None:
    # Ctrl-C in a terminal interrupts every process of the group; workers ignore it and the parent,
    # which handles it, stops them. A worker that got SIGINT still answers.
    import signal

    script = WorkerScript()
    with ProcessExecutor(script, model_id=script.model_id, workers=1, concurrency=1) as executor:
        os.kill(executor.pids[0], signal.SIGINT)
        result = asyncio.run(run_suites([SUITE], executor, RunSettings(model_id=script.model_id), out_dir))
    assert all(r.passed for r in result.records)


def test_workers_report_the_cpu_they_used_when_they_stop(out_dir: Path) -> None:
    script = WorkerScript(busy_s=0.02)
    executor = ProcessExecutor(script, model_id=script.model_id, workers=2, concurrency=2)
    with executor:
        assert executor.worker_cpu_s is None  # not known while they run
        asyncio.run(run_suites([SUITE], executor, RunSettings(model_id=script.model_id), out_dir))
    used = executor.worker_cpu_s
    assert used is not None
    # 12 cases x 20 ms of CPU, plus a little for the messages; the start-up (imports) is not counted.
    assert 0.24 <= used < 1.0


def test_a_factory_that_cannot_reach_a_worker_is_one_clear_error() -> None:
    def local_factory(index: int) -> object:  # a local function does not pickle
        return WorkerScript()(index)

    executor = ProcessExecutor(local_factory, model_id="fake-model", workers=1, concurrency=1)  # type: ignore[arg-type]
    with pytest.raises(EvalError, match="the executor factory cannot be sent to a worker process"):
        executor.start()


def test_stopping_does_not_wait_for_threads_still_inside_abandoned_attempts(out_dir: Path) -> None:
    # Synchronous agent code cannot be cancelled: a worker asked to stop leaves such threads behind
    # instead of waiting a minute for them, and still reports its figures.
    script = WorkerScript(thread_delay=60.0)
    executor = ProcessExecutor(script, model_id=script.model_id, workers=2, concurrency=4)
    with executor:
        result = asyncio.run(
            run_suites([SUITE], executor, RunSettings(model_id=script.model_id, timeout_s=0.2), out_dir)
        )
        started = time.monotonic()
    assert time.monotonic() - started < 8  # a hang guard, not a speed figure: waiting would take 60 s
    assert {r.outcome.error for r in result.records} == {"timeout after 0.2s"}
    assert executor.worker_cpu_s is not None  # they exited on their own, after reporting


def test_an_outcome_that_cannot_be_written_fails_its_case_at_once(out_dir: Path) -> None:
    result = run(WorkerScript(unserializable="c2"), out_dir, timeout_s=60)
    c2 = next(r for r in result.records if r.case_id == "c2")
    assert c2.outcome.error is not None
    assert c2.outcome.error.startswith("PydanticSerializationError: ")
    assert sum(r.passed for r in result.records) == 11


def test_a_synchronous_executor_is_played_on_worker_threads_with_the_same_limits(out_dir: Path) -> None:
    # The assistant's executor is synchronous: workers call it from their threads directly. Answers,
    # errors, timeouts and a prompt stop behave as with an async executor.
    fast = run(WorkerScript(blocking=True, reject="c3"), out_dir / "fast", workers=2)
    assert len(answering_processes(fast)) == 2
    c3 = next(r for r in fast.records if r.case_id == "c3")
    assert c3.outcome.error == "ValueError: case c3 is not for this worker"
    assert sum(r.passed for r in fast.records) == 11

    script = WorkerScript(blocking=True, thread_delay=60.0)
    executor = ProcessExecutor(script, model_id=script.model_id, workers=2, concurrency=4)
    with executor:
        slow = asyncio.run(
            run_suites([SUITE], executor, RunSettings(model_id=script.model_id, timeout_s=0.2), out_dir / "slow")
        )
        started = time.monotonic()
    assert time.monotonic() - started < 8  # a hang guard: waiting for the sleeping threads would take 60 s
    assert {r.outcome.error for r in slow.records} == {"timeout after 0.2s"}
