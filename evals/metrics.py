"""Run-level metrics: routing (accuracy, macro-F1, confusion matrix, out-of-scope recall), pass^k / pass@k,
latency percentiles. Pure functions over plain values, so they are tested by hand on tiny tables."""

from __future__ import annotations

from collections.abc import Sequence
from math import comb

__all__ = [
    "OUT_OF_SCOPE",
    "confusion_matrix",
    "macro_f1",
    "pass_at_k",
    "pass_hat_k",
    "percentile",
    "route_label",
]

OUT_OF_SCOPE = "out_of_scope"


def route_label(domains: Sequence[str]) -> str:
    """One label per routing decision: the domain, `multi` for several, `none` when nothing was routed."""
    unique = sorted(set(domains))
    if not unique:
        return "none"
    return unique[0] if len(unique) == 1 else "multi"


def confusion_matrix(pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[list[int]]]:
    """Labels (sorted) and counts[expected][predicted] from (expected, predicted) pairs."""
    labels = sorted({label for pair in pairs for label in pair})
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for expected, predicted in pairs:
        counts[index[expected]][index[predicted]] += 1
    return labels, counts


def macro_f1(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Unweighted mean of per-class F1 over the classes that occur as expected labels."""
    if not pairs:
        return None
    classes = sorted({expected for expected, _ in pairs})
    scores = []
    for label in classes:
        tp = sum(1 for e, p in pairs if e == label and p == label)
        fp = sum(1 for e, p in pairs if e != label and p == label)
        fn = sum(1 for e, p in pairs if e == label and p != label)
        denominator = 2 * tp + fp + fn
        scores.append(2 * tp / denominator if denominator else 0.0)
    return sum(scores) / len(scores)


def pass_hat_k(trials: Sequence[tuple[int, int]], k: int) -> float | None:
    """tau-bench's pass^k: mean over tasks of C(c, k) / C(n, k), (n attempts, c successes) per task.

    The chance that k attempts drawn from the n made all succeed: the reliability a plant would see.
    Tasks with fewer than k attempts are left out.
    """
    usable = [(n, c) for n, c in trials if n >= k]
    if not usable or k < 1:
        return None
    return sum(comb(c, k) / comb(n, k) for n, c in usable) / len(usable)


def pass_at_k(trials: Sequence[tuple[int, int]], k: int) -> float | None:
    """pass@k: mean over tasks of 1 - C(n - c, k) / C(n, k): at least one of k attempts succeeds."""
    usable = [(n, c) for n, c in trials if n >= k]
    if not usable or k < 1:
        return None
    return sum(1 - comb(n - c, k) / comb(n, k) for n, c in usable) / len(usable)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation percentile (numpy's default), q in [0, 100]."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
