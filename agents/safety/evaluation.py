"""Measuring a safety guard on labelled requests: refusal recall, false refusals, and which layer refused."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agents.safety.check import SafetyVerdict, check_rules
from agents.safety.dataset import SafetyExample

__all__ = ["SafetyReport", "evaluate", "rules_only"]


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
        unsafe = f"unsafe refused {self.unsafe_refused}/{self.unsafe_total}"
        return f"{unsafe}, safe passed {self.safe_passed}/{self.safe_total}"


def evaluate(
    check_many: Callable[[Sequence[str]], Sequence[SafetyVerdict | None]], examples: Sequence[SafetyExample]
) -> SafetyReport:
    """Run `check_many` (e.g. `SafetyGuard.check_many`, or `rules_only`) over labelled requests."""
    refused = refused_unsafe = passed = correct = 0
    layers: Counter[str] = Counter()
    missed: list[str] = []
    wrong: list[str] = []
    for example, verdict in zip(examples, check_many([e.text for e in examples]), strict=True):
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


def rules_only(texts: Sequence[str]) -> list[SafetyVerdict | None]:
    """The rule table's verdicts alone, for comparison with the guard."""
    return [check_rules(text) for text in texts]
