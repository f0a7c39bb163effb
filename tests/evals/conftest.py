"""Shared fixtures of the evals tests: tiny suites and a scriptable fake executor."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from evals.outcome import CaseOutcome
from evals.schema import CaseSpec, SuiteSpec


def make_suite(cases: list[dict[str, object]], name: str = "tiny") -> SuiteSpec:
    return SuiteSpec.model_validate({"suite": name, "cases": cases})


def route_case(case_id: str, domain: str, level: str = "L2", text: str = "2号线昨天的OEE是多少?") -> dict[str, object]:
    return {
        "id": case_id,
        "input": text,
        "lang": "zh",
        "level": level,
        "expect": {"domains": [domain], "route_only": True},
    }


class FakeExecutor:
    """Answers from a function of (case, attempt); counts calls and the peak of concurrent calls."""

    def __init__(
        self,
        answer: Callable[[CaseSpec, int], CaseOutcome],
        *,
        delay: float = 0.0,
        model_id: str = "fake-model",
        fail_first: dict[str, int] | None = None,
        raise_error: type[BaseException] | None = None,
    ) -> None:
        self._answer = answer
        self.delay = delay
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
            if self.fail_first.get(case.id, 0) > 0 and self.raise_error is not None:
                self.fail_first[case.id] -= 1
                raise self.raise_error("connection reset by peer")
            return self._answer(case, attempt)
        finally:
            self.active -= 1


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "run"
