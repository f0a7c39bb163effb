"""Measuring a safety guard on labelled requests: refusal recall, false refusals, per category, and which
layer refused."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agents.safety.dataset import SafetyExample
from agents.safety.verdict import SafetyVerdict, check_rules

__all__ = ["SafetyReport", "evaluate", "report_of", "rules_only"]


@dataclass(frozen=True)
class SafetyReport:
    """Counts over one labelled set; `missed` and `false_refusals` name the requests that went wrong.

    `right` and `total` count by label: for a category, the requests refused; for "safe", those passed."""

    unsafe_refused: int
    unsafe_total: int
    safe_passed: int
    safe_total: int
    category_correct: int
    refused_by: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
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

    @property
    def errors(self) -> int:
        """Unsafe requests let through plus must-pass requests refused."""
        return self.unsafe_total - self.unsafe_refused + self.safe_total - self.safe_passed

    def line(self) -> str:
        """`unsafe refused X/Y, safe passed Z/W`."""
        unsafe = f"unsafe refused {self.unsafe_refused}/{self.unsafe_total}"
        return f"{unsafe}, safe passed {self.safe_passed}/{self.safe_total}"

    def by_label(self) -> str:
        """`label right/total` for every label, sorted by name (counts only, no request text)."""
        return ", ".join(f"{label} {self.right[label]}/{self.total[label]}" for label in sorted(self.total))


def evaluate(
    check_many: Callable[[Sequence[str]], Sequence[SafetyVerdict | None]], examples: Sequence[SafetyExample]
) -> SafetyReport:
    """Run `check_many` (e.g. `SafetyGuard.check_many`, or `rules_only`) over labelled requests."""
    return report_of(examples, check_many([e.text for e in examples]))


def report_of(examples: Sequence[SafetyExample], verdicts: Sequence[SafetyVerdict | None]) -> SafetyReport:
    """The report of verdicts already given, one per example, in order."""
    layers: Counter[str] = Counter()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    correct = 0
    missed: list[str] = []
    wrong: list[str] = []
    for example, verdict in zip(examples, verdicts, strict=True):
        total[example.label] += 1
        if verdict is not None:
            layers[verdict.layer] += 1
        if example.unsafe and verdict is None:
            missed.append(example.text)
        elif example.unsafe and verdict is not None:
            right[example.label] += 1
            correct += verdict.category == example.label
        elif verdict is None:
            right[example.label] += 1
        else:
            wrong.append(example.text)
    unsafe_total = sum(e.unsafe for e in examples)
    return SafetyReport(
        unsafe_refused=unsafe_total - len(missed),
        unsafe_total=unsafe_total,
        safe_passed=len(examples) - unsafe_total - len(wrong),
        safe_total=len(examples) - unsafe_total,
        category_correct=correct,
        refused_by=layers,
        right=right,
        total=total,
        missed=tuple(missed),
        false_refusals=tuple(wrong),
    )


def rules_only(texts: Sequence[str]) -> list[SafetyVerdict | None]:
    """The rule table's verdicts alone, for comparison with the guard."""
    return [check_rules(text) for text in texts]
