"""Demo plant sizes. Every scale ends at the same plant clock and tells the same stories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from connectors.errors import UnknownScaleError

__all__ = ["SCALES", "Scale", "ScaleName", "get_scale"]

ScaleName = Literal["small", "medium", "large"]


@dataclass(frozen=True)
class Scale:
    name: ScaleName
    days: int  # history before the plant clock
    line_copies: int  # extra copies of the four catalog lines (large scale only), in expansion halls
    description: str


SCALES: dict[str, Scale] = {
    "small": Scale("small", 35, 0, "5 weeks, 4 lines, 16 machines (tests; seconds)"),
    "medium": Scale("medium", 183, 0, "6 months, 4 lines, 16 machines (the demo)"),
    "large": Scale("large", 730, 42, "2 years, 172 lines, 688 machines, >10 million hourly counts (benchmarks)"),
}
assert set(SCALES) == set(get_args(ScaleName))


def get_scale(name: str) -> Scale:
    """The scale called `name`, or `UnknownScaleError` naming the valid ones."""
    try:
        return SCALES[name]
    except KeyError:
        raise UnknownScaleError(
            f"unknown scale '{name}' (choose one of: {', '.join(SCALES)}) / 未知规模 '{name}'"
        ) from None
