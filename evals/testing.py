"""Test doubles for the evals layer: a scripted executor and tiny suite builders.

    executor = ScriptedExecutor(lambda case, attempt: CaseOutcome(domains=["production"]), delay=0.2)

The executor records how many calls it got and the peak of concurrent calls, so runner limits can be
checked without a model.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evals.executors import AssistantExecutor
from evals.outcome import CaseOutcome
from evals.schema import CaseSpec, SuiteSpec

__all__ = ["ScriptedExecutor", "WorkerScript", "route_case", "suite_of"]


def suite_of(cases: list[dict[str, Any]], name: str = "tiny") -> SuiteSpec:
    """A validated suite from case mappings."""
    return SuiteSpec.model_validate({"suite": name, "cases": cases})


def route_case(
    case_id: str,
    domain: str,
    level: str = "L2",
    text: str = "2号线昨天的OEE是多少?",
    *,
    route_only: bool = True,
) -> dict[str, Any]:
    """A case mapping that checks the route. `route_only=False` makes it an agent's case whose only
    check is its route, so it counts toward that agent's level."""
    return {
        "id": case_id,
        "input": text,
        "lang": "zh",
        "level": level,
        "expect": {"domains": [domain], "route_only": route_only},
    }


class ScriptedExecutor:
    """Answers from a function of (case, attempt); counts calls and the peak of concurrent calls.

    With `fail_first={case_id: n}` and `raise_error`, the first n attempts at that case raise it.
    """

    def __init__(
        self,
        answer: Callable[[CaseSpec, int], CaseOutcome],
        *,
        delay: float = 0.0,
        model_id: str = "fake-model",
        fail_first: dict[str, int] | None = None,
        raise_error: type[BaseException] | None = None,
        thread_delay: float = 0.0,
    ) -> None:
        self._answer = answer
        self.delay = delay
        self.thread_delay = thread_delay
        self._model_id = model_id
        self.calls = 0
        self.active = 0
        self.peak = 0
        self.fail_first = dict(fail_first or {})
        self.raise_error = raise_error

    @property
    def model_id(self) -> str:
        return self._model_id

    async def run(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        self.calls += 1
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await asyncio.sleep(self.delay)
            if self.thread_delay:
                await asyncio.to_thread(time.sleep, self.thread_delay)
            if self.fail_first.get(case.id, 0) > 0 and self.raise_error is not None:
                self.fail_first[case.id] -= 1
                raise self.raise_error("connection reset by peer")
            return self._answer(case, attempt)
        finally:
            self.active -= 1


@dataclass(frozen=True)
class WorkerScript:
    """A picklable executor factory for `ProcessExecutor` tests: each worker answers every case with its
    expected domains and says which process answered (`worker <index> pid <pid>`).

    `crash_on` ends the worker process abruptly at that case; `fail_start` makes the worker fail to start
    with that message; `busy_s` spends that much CPU on each case; `fail_first` / `raise_error` / `delay`
    are passed to `ScriptedExecutor`.
    """

    delay: float = 0.0
    model_id: str = "fake-model"
    crash_on: str | None = None
    fail_start: str | None = None
    fail_first: tuple[tuple[str, int], ...] = ()
    raise_error: type[BaseException] | None = None
    reject: str | None = None
    busy_s: float = 0.0  # CPU time spent on each case (a busy loop)
    thread_delay: float = 0.0  # a blocking wait in a worker thread, as synchronous agent code would
    unserializable: str | None = None  # this case's outcome holds an object JSON cannot write
    blocking: bool = False  # an `AssistantExecutor` over a synchronous ask, as the real assistant is played

    def _misbehave(self, case: CaseSpec) -> None:
        """Crash the worker or raise, when the script says so for this case."""
        if case.id == self.crash_on:
            os._exit(3)
        if case.id == self.reject:
            raise ValueError(f"case {case.id} is not for this worker")

    def _blocking(self, index: int) -> AssistantExecutor:
        def ask(case: CaseSpec, message: str, session_id: str) -> list[dict[str, Any]]:
            self._misbehave(case)
            time.sleep(self.thread_delay)
            return [
                {"type": "routed", "domains": list(case.expect.domains), "confidence": 1.0, "kind": "single"},
                {"type": "final", "text": f"worker {index} pid {os.getpid()}"},
            ]

        return AssistantExecutor(ask, self.model_id)

    def __call__(self, index: int) -> ScriptedExecutor | AssistantExecutor:
        if self.fail_start is not None:
            raise RuntimeError(self.fail_start)
        if self.blocking:
            return self._blocking(index)

        def answer(case: CaseSpec, attempt: int) -> CaseOutcome:
            self._misbehave(case)
            started = time.process_time()
            while time.process_time() - started < self.busy_s:
                pass
            events = [{"type": "note", "value": object()}] if case.id == self.unserializable else []
            return CaseOutcome(
                domains=list(case.expect.domains), answer=f"worker {index} pid {os.getpid()}", events=events
            )

        return ScriptedExecutor(
            answer,
            delay=self.delay,
            thread_delay=self.thread_delay,
            model_id=self.model_id,
            fail_first=dict(self.fail_first),
            raise_error=self.raise_error,
        )
