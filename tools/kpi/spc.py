"""Statistical process control: capability indices and Western Electric rules.

Cp / Cpk use the within-subgroup sigma (R-bar / d2 for subgroups, moving range / d2 for individuals);
Pp / Ppk use the overall sample standard deviation. `Capability.sigma_method` says which estimate was used.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "D2",
    "WE_RULES",
    "Capability",
    "RuleViolation",
    "capability",
    "western_electric",
]

# Control-chart constant d2 by subgroup size (ASTM / Montgomery tables).
D2: dict[int, float] = {2: 1.128, 3: 1.693, 4: 2.059, 5: 2.326, 6: 2.534, 7: 2.704, 8: 2.847, 9: 2.970, 10: 3.078}

WE_RULES: dict[int, str] = {
    1: "one point beyond 3 sigma",
    2: "two of three consecutive points beyond 2 sigma on the same side",
    3: "four of five consecutive points beyond 1 sigma on the same side",
    4: "eight consecutive points on the same side of the centre line",
}


@dataclass(frozen=True)
class Capability:
    """Mean, both sigma estimates and the capability indices (None when an estimate is zero or missing)."""

    n: int
    mean: float
    sigma_within: float | None
    sigma_overall: float | None
    sigma_method: str
    lsl: float | None
    usl: float | None
    cp: float | None
    cpk: float | None
    pp: float | None
    ppk: float | None


def _within_sigma(values: Sequence[float], subgroup_size: int) -> tuple[float | None, str]:
    if subgroup_size <= 1:
        ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
        if not ranges:
            return None, "moving range / d2 (individuals)"
        return statistics.fmean(ranges) / D2[2], "moving range / d2 (individuals)"
    if subgroup_size not in D2:
        raise ValueError(f"subgroup size must be 1..10, got {subgroup_size}")
    groups = [values[i : i + subgroup_size] for i in range(0, len(values) - subgroup_size + 1, subgroup_size)]
    if not groups:
        return None, f"R-bar / d2 (subgroups of {subgroup_size})"
    r_bar = statistics.fmean(max(g) - min(g) for g in groups)
    return r_bar / D2[subgroup_size], f"R-bar / d2 (subgroups of {subgroup_size})"


def _indices(lsl: float | None, usl: float | None, mean: float, sigma: float | None) -> tuple[float | None, ...]:
    if sigma is None or sigma <= 0:
        return None, None
    spread = (usl - lsl) / (6 * sigma) if lsl is not None and usl is not None else None
    sides = []
    if usl is not None:
        sides.append((usl - mean) / (3 * sigma))
    if lsl is not None:
        sides.append((mean - lsl) / (3 * sigma))
    return spread, (min(sides) if sides else None)


def capability(values: Sequence[float], lsl: float | None, usl: float | None, subgroup_size: int = 1) -> Capability:
    """Cp = (USL-LSL)/6σ_within, Cpk = min(USL-μ, μ-LSL)/3σ_within; Pp/Ppk the same with σ_overall."""
    if not values:
        raise ValueError("capability needs at least one value")
    mean = statistics.fmean(values)
    within, method = _within_sigma(values, subgroup_size)
    # Plain float arithmetic: statistics.stdev works in exact fractions, far too slow for months of data.
    overall = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else None
    cp, cpk = _indices(lsl, usl, mean, within)
    pp, ppk = _indices(lsl, usl, mean, overall)
    return Capability(len(values), mean, within, overall, method, lsl, usl, cp, cpk, pp, ppk)


@dataclass(frozen=True)
class RuleViolation:
    """One Western Electric rule and the indices (0-based, in time order) of the points that break it."""

    rule: int
    description: str
    indices: tuple[int, ...]


def _zone_side(value: float, center: float, sigma: float, k: float) -> int:
    """+1 above center + k sigma, -1 below center - k sigma, 0 otherwise."""
    if value > center + k * sigma:
        return 1
    if value < center - k * sigma:
        return -1
    return 0


def _k_of_m(values: Sequence[float], center: float, sigma: float, k_sigma: float, k: int, m: int) -> set[int]:
    flagged: set[int] = set()
    sides = [_zone_side(v, center, sigma, k_sigma) for v in values]
    for start in range(len(values) - m + 1):
        window = range(start, start + m)
        for side in (1, -1):
            hits = [i for i in window if sides[i] == side]
            if len(hits) >= k:
                flagged.update(hits)
    return flagged


def _runs_same_side(values: Sequence[float], center: float, length: int) -> set[int]:
    flagged: set[int] = set()
    run: list[int] = []
    side = 0
    for i, value in enumerate(values):
        current = 1 if value > center else -1 if value < center else 0
        if current != 0 and current == side:
            run.append(i)
        else:
            run = [i] if current != 0 else []
            side = current
        if len(run) >= length:
            flagged.update(run)
    return flagged


def western_electric(values: Sequence[float], center: float, sigma: float) -> list[RuleViolation]:
    """Western Electric rules 1-4 on a chart with the given centre line and sigma; only broken rules are listed."""
    if sigma <= 0 or not math.isfinite(sigma):
        return []
    found = {
        1: {i for i, v in enumerate(values) if _zone_side(v, center, sigma, 3.0) != 0},
        2: _k_of_m(values, center, sigma, 2.0, 2, 3),
        3: _k_of_m(values, center, sigma, 1.0, 4, 5),
        4: _runs_same_side(values, center, 8),
    }
    return [RuleViolation(rule, WE_RULES[rule], tuple(sorted(idx))) for rule, idx in found.items() if idx]
