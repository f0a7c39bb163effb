"""Routing metrics: accuracy (primary domain, and set-based for cross-domain requests), macro-F1,
confusion matrix, out-of-scope recall.

For a cross-domain request every gold domain is an acceptable primary (the supervisor calls all of
them; which one is named first does not change the answer); `strict_accuracy` also demands the
first one. A case may also list its acceptable primaries explicitly (e.g. a vibration diagnosis is
equipment or maintenance).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from agents.routing.dataset import RoutingExample
from agents.routing.decision import LABELS, OUT_OF_SCOPE, Router, RoutingDecision

__all__ = [
    "RoutingCase",
    "RoutingReport",
    "cases_from_examples",
    "confusion_matrix",
    "evaluate",
    "evaluate_router",
    "macro_f1",
]


@dataclass(frozen=True)
class RoutingCase:
    """A request with its gold labels (primary first) and, optionally, its acceptable primaries."""

    text: str
    labels: tuple[str, ...]
    primaries: frozenset[str] | None = None

    @property
    def accepted(self) -> frozenset[str]:
        """Predicted primaries that count as correct."""
        return self.primaries if self.primaries is not None else frozenset(self.labels)


def cases_from_examples(examples: Iterable[RoutingExample]) -> list[RoutingCase]:
    """Evaluation cases from labelled routing examples."""
    return [RoutingCase(example.text, tuple(example.labels)) for example in examples]


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> list[list[int]]:
    """Counts by gold class (rows) and predicted class (columns), in `classes` order."""
    index = {label: position for position, label in enumerate(classes)}
    matrix = [[0] * len(classes) for _ in classes]
    for truth, guess in zip(gold, predicted, strict=True):
        matrix[index[truth]][index[guess]] += 1
    return matrix


def macro_f1(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> float:
    """Unweighted mean of per-class F1 over `classes` (a class never seen nor predicted counts as 0)."""
    if not classes:
        return 0.0
    total = 0.0
    for label in classes:
        tp = sum(1 for t, p in zip(gold, predicted, strict=True) if t == label and p == label)
        fp = sum(1 for t, p in zip(gold, predicted, strict=True) if t != label and p == label)
        fn = sum(1 for t, p in zip(gold, predicted, strict=True) if t == label and p != label)
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / len(classes)


@dataclass(frozen=True)
class RoutingReport:
    """Metrics of one router on one set of cases."""

    n: int
    accuracy: float
    strict_accuracy: float
    set_accuracy: float
    multi_set_accuracy: float | None
    mean_jaccard: float
    macro_f1: float
    oos_recall: float | None
    classes: list[str]
    confusion: list[list[int]]
    errors: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def summary(self) -> dict[str, float | int | None]:
        """The headline figures, for tables and JSON."""
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "strict_accuracy": round(self.strict_accuracy, 4),
            "set_accuracy": round(self.set_accuracy, 4),
            "multi_set_accuracy": None if self.multi_set_accuracy is None else round(self.multi_set_accuracy, 4),
            "mean_jaccard": round(self.mean_jaccard, 4),
            "macro_f1": round(self.macro_f1, 4),
            "oos_recall": None if self.oos_recall is None else round(self.oos_recall, 4),
        }


def _labels_of(decision: RoutingDecision) -> list[str]:
    return list(decision.domains) if decision.domains else [decision.kind]


def evaluate(cases: Sequence[RoutingCase], decisions: Sequence[RoutingDecision]) -> RoutingReport:
    """Compare decisions with the gold labels of `cases` (same order)."""
    if len(cases) != len(decisions):
        raise ValueError(f"{len(cases)} cases but {len(decisions)} decisions")
    gold_primary: list[str] = []
    predicted_primary: list[str] = []
    correct = strict = exact_set = 0
    jaccard = 0.0
    multi_total = multi_exact = 0
    errors: list[tuple[str, list[str], list[str]]] = []
    for case, decision in zip(cases, decisions, strict=True):
        guess = decision.primary
        ok = guess in case.accepted
        correct += ok
        strict += guess == case.labels[0]
        # Credit an accepted primary as the gold class, so F1 and the confusion matrix agree with accuracy.
        gold_primary.append(guess if ok else case.labels[0])
        predicted_primary.append(guess)
        predicted_set, gold_set = set(_labels_of(decision)), set(case.labels)
        exact_set += predicted_set == gold_set
        jaccard += len(predicted_set & gold_set) / len(predicted_set | gold_set)
        if len(case.labels) > 1:
            multi_total += 1
            multi_exact += predicted_set == gold_set
        if not ok:
            errors.append((case.text, list(case.labels), _labels_of(decision)))
    classes = [label for label in LABELS if label in gold_primary or label in predicted_primary]
    oos = [p == OUT_OF_SCOPE for g, p in zip(gold_primary, predicted_primary, strict=True) if g == OUT_OF_SCOPE]
    n = len(cases)
    return RoutingReport(
        n=n,
        accuracy=correct / n if n else 0.0,
        strict_accuracy=strict / n if n else 0.0,
        set_accuracy=exact_set / n if n else 0.0,
        multi_set_accuracy=multi_exact / multi_total if multi_total else None,
        mean_jaccard=jaccard / n if n else 0.0,
        macro_f1=macro_f1(gold_primary, predicted_primary, classes),
        oos_recall=sum(oos) / len(oos) if oos else None,
        classes=classes,
        confusion=confusion_matrix(gold_primary, predicted_primary, classes),
        errors=errors,
    )


def evaluate_router(router: Router, cases: Sequence[RoutingCase]) -> RoutingReport:
    """Route every case (in one batch) and evaluate the decisions."""
    return evaluate(cases, router.route_many([case.text for case in cases]))
