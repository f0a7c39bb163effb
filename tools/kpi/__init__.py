"""KPI arithmetic (ISO 22400-2 and SPC conventions, see KPI.md): pure functions, no database.

Where is OEE computed? `tools.kpi.effectiveness`. SPC? `tools.kpi.spc`. MTBF/MTTR? `tools.kpi.reliability`.
"""

from tools.kpi.anomaly import AnomalyInterval, band_intervals, rolling_zscore_intervals
from tools.kpi.effectiveness import OEEFigures, OEEInputs, aggregate, oee
from tools.kpi.quality_ratios import QualityRatios, first_pass_yield, quality_ratios
from tools.kpi.reliability import NO_FAILURES_NOTE, ReliabilityFigures, corrective_ratio, reliability
from tools.kpi.spc import D2, WE_RULES, Capability, RuleViolation, capability, western_electric
from tools.kpi.supply import (
    BomLine,
    ComponentAvailability,
    ReorderStatus,
    component_availability,
    rate,
    reorder_status,
)

__all__ = [
    "D2",
    "NO_FAILURES_NOTE",
    "WE_RULES",
    "AnomalyInterval",
    "BomLine",
    "Capability",
    "ComponentAvailability",
    "OEEFigures",
    "OEEInputs",
    "QualityRatios",
    "ReliabilityFigures",
    "ReorderStatus",
    "RuleViolation",
    "aggregate",
    "band_intervals",
    "capability",
    "component_availability",
    "corrective_ratio",
    "first_pass_yield",
    "oee",
    "quality_ratios",
    "rate",
    "reliability",
    "reorder_status",
    "rolling_zscore_intervals",
    "western_electric",
]
