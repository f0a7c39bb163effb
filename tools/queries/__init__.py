"""SQL helpers shared by the built-in tools: period filters and ISO 22400 time-model sums."""

from tools.queries.common import columns, day_span, elapsed_days, fmt_period, within
from tools.queries.time_model import GroupedInputs, oee_inputs, oee_inputs_by

__all__ = [
    "GroupedInputs",
    "columns",
    "day_span",
    "elapsed_days",
    "fmt_period",
    "oee_inputs",
    "oee_inputs_by",
    "within",
]
