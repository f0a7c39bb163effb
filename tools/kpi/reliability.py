"""Maintenance KPIs: MTBF, MTTR and corrective maintenance ratio.

With zero failures MTBF has no finite value: the result says so in `note` and `mtbf_h` stays None,
so nobody reads an invented number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["NO_FAILURES_NOTE", "ReliabilityFigures", "corrective_ratio", "reliability"]

NO_FAILURES_NOTE = "no failures in the period: MTBF has no finite value / 期间内无故障, MTBF无有限值"


@dataclass(frozen=True)
class ReliabilityFigures:
    """MTBF and MTTR in hours with their inputs."""

    operating_time_h: float
    failures: int
    repair_time_h: float
    mtbf_h: float | None
    mttr_h: float | None
    note: str | None


def reliability(operating_time_h: float, repair_times_h: Sequence[float]) -> ReliabilityFigures:
    """MTBF = operating time / failures; MTTR = total repair time / failures (KPI.md, maintenance)."""
    failures = len(repair_times_h)
    repair = float(sum(repair_times_h))
    if failures == 0:
        return ReliabilityFigures(operating_time_h, 0, 0.0, None, None, NO_FAILURES_NOTE)
    return ReliabilityFigures(operating_time_h, failures, repair, operating_time_h / failures, repair / failures, None)


def corrective_ratio(corrective_h: float, preventive_h: float) -> float | None:
    """Corrective maintenance time / (corrective + preventive time); None when both are zero."""
    total = corrective_h + preventive_h
    return corrective_h / total if total > 0 else None
