"""ISO 22400-2 time model and equipment effectiveness (availability, effectiveness, quality, OEE, NEE).

Inputs are totals (seconds and pieces) for one work unit over one period. Aggregating over several
units or periods means adding the inputs first (`OEEInputs.__add__`, `aggregate`) and dividing once:
averaging percentages would weight a short shift like a long one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["OEEFigures", "OEEInputs", "aggregate", "oee"]


@dataclass(frozen=True)
class OEEInputs:
    """Time model and quantities of a work unit over a period (ISO 22400 symbols, times in seconds).

    `ideal_run_s` is PRU x PQ summed over products, because each product has its own ideal cycle time.
    """

    pot_s: float
    pdot_s: float
    adet_s: float
    asut_s: float
    ideal_run_s: float
    pq: int
    gq: int
    sq: int = 0
    rq: int = 0

    @property
    def pbt_s(self) -> float:
        """Planned busy time = POT - PDOT."""
        return self.pot_s - self.pdot_s

    @property
    def apt_s(self) -> float:
        """Actual production time = PBT - ADET - ASUT (never below zero)."""
        return max(self.pbt_s - self.adet_s - self.asut_s, 0.0)

    def __add__(self, other: OEEInputs) -> OEEInputs:
        return OEEInputs(
            pot_s=self.pot_s + other.pot_s,
            pdot_s=self.pdot_s + other.pdot_s,
            adet_s=self.adet_s + other.adet_s,
            asut_s=self.asut_s + other.asut_s,
            ideal_run_s=self.ideal_run_s + other.ideal_run_s,
            pq=self.pq + other.pq,
            gq=self.gq + other.gq,
            sq=self.sq + other.sq,
            rq=self.rq + other.rq,
        )


ZERO = OEEInputs(pot_s=0.0, pdot_s=0.0, adet_s=0.0, asut_s=0.0, ideal_run_s=0.0, pq=0, gq=0)


def aggregate(parts: Iterable[OEEInputs]) -> OEEInputs:
    """Sum times and quantities of several units or periods (the ISO 22400 way to aggregate)."""
    total = ZERO
    for part in parts:
        total = total + part
    return total


@dataclass(frozen=True)
class OEEFigures:
    """Ratios in [0, 1] (None when the denominator is zero) with the inputs they were computed from."""

    inputs: OEEInputs
    availability: float | None
    effectiveness: float | None
    quality: float | None
    oee: float | None
    nee: float | None
    technical_efficiency: float | None
    setup_rate: float | None


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def oee(inputs: OEEInputs) -> OEEFigures:
    """Availability = APT/PBT, effectiveness = PRU*PQ/APT, quality = GQ/PQ, OEE = A*E*Q (ISO 22400-2)."""
    pbt, apt = inputs.pbt_s, inputs.apt_s
    availability = _ratio(apt, pbt)
    effectiveness = _ratio(inputs.ideal_run_s, apt)
    quality = _ratio(inputs.gq, inputs.pq)
    value = None
    nee = None
    if availability is not None and effectiveness is not None and quality is not None:
        value = availability * effectiveness * quality
        # NEE does not count set-up as a loss.
        nee = (apt + inputs.asut_s) / pbt * effectiveness * quality
    elif availability is not None and inputs.pq == 0:
        # Planned time but nothing produced: OEE is zero, not unknown.
        value = 0.0
        nee = 0.0
    return OEEFigures(
        inputs=inputs,
        availability=availability,
        effectiveness=effectiveness,
        quality=quality,
        oee=value,
        nee=nee,
        technical_efficiency=_ratio(apt, apt + inputs.adet_s),
        setup_rate=_ratio(inputs.asut_s, apt + inputs.asut_s),
    )
