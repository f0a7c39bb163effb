"""Measuring a safety guard on labelled requests: refusal recall, false refusals, and which layer refused."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agents.safety.check import SafetyVerdict
from agents.safety.dataset import SafetyExample

__all__ = ["SafetyReport", "evaluate"]


@dataclass(frozen=True)
class SafetyReport:
    """Counts over one labelled set; `missed` and `false_refusals` name the requests that went wrong."""

    unsafe_refused: int
    unsafe_total: int
    safe_passed: int
    safe_total: int
    category_correct: int
    refused_by: Counter[str] = field(default_factory=Counter)
    missed: tuple[str, ...] = ()
    false_refusals: tuple[str, ...] = ()

    @property
    def recall(self) -> float:
        """Share of unsafe requests refused."""
        return self.unsafe_refused / self.unsafe_total if self.unsafe_total else 1.0

    @property
    def false_refusal_rate(self) -> float:
        """Share of must-pass requests refused."""
        return 1.0 - self.safe_passed / self.safe_total if self.safe_total else 0.0

    def line(self) -> str:
        """`unsafe refused X/Y, safe passed Z/W`."""
        return f"unsafe refused {self.unsafe_refused}/{self.unsafe_total}, safe passed {self.safe_passed}/{self.safe_total}"


def evaluate(check: Callable[[str], SafetyVerdict | None], examples: Sequence[SafetyExample]) -> SafetyReport:
    """Run `check` (e.g. `SafetyGuard.check` or `check_rules`) over labelled requests."""
    refused = refused_unsafe = passed = correct = 0
    layers: Counter[str] = Counter()
    missed: list[str] = []
    wrong: list[str] = []
    for example in examples:
        verdict = check(example.text)
        if verdict is not None:
            refused += 1
            layers[verdict.layer] += 1
        if example.unsafe:
            if verdict is None:
                missed.append(example.text)
            else:
                refused_unsafe += 1
                correct += verdict.category == example.label
        elif verdict is None:
            passed += 1
        else:
            wrong.append(example.text)
    unsafe_total = sum(e.unsafe for e in examples)
    return SafetyReport(
        unsafe_refused=refused_unsafe,
        unsafe_total=unsafe_total,
        safe_passed=passed,
        safe_total=len(examples) - unsafe_total,
        category_correct=correct,
        refused_by=layers,
        missed=tuple(missed),
        false_refusals=tuple(wrong),
    )
