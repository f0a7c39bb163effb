"""Quality ratios of ISO 22400-2: scrap ratio, rework ratio, first pass yield."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QualityRatios", "first_pass_yield", "quality_ratios"]


@dataclass(frozen=True)
class QualityRatios:
    """Scrap and rework ratios (None when nothing was produced) with their inputs."""

    produced: int
    good: int
    scrap: int
    rework: int
    scrap_ratio: float | None
    rework_ratio: float | None
    quality_ratio: float | None


def quality_ratios(produced: int, good: int, scrap: int, rework: int) -> QualityRatios:
    """Scrap ratio = SQ/PQ, rework ratio = RQ/PQ, quality ratio = GQ/PQ."""
    if produced <= 0:
        return QualityRatios(produced, good, scrap, rework, None, None, None)
    return QualityRatios(produced, good, scrap, rework, scrap / produced, rework / produced, good / produced)


def first_pass_yield(passed_first_time: int, inspected: int) -> float | None:
    """Parts good at first inspection / parts inspected; None when nothing was inspected."""
    if inspected <= 0:
        return None
    return passed_first_time / inspected
