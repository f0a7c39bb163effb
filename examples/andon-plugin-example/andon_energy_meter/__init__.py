"""Example Andon plugin: energy use per machine from an energy-meter historian export."""

from __future__ import annotations

import csv
import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from tools import Provenance, Tool, ToolContext, ToolResult, UnknownEntityError, require_scope, tool
from tools.resolvers import resolve_period

__all__ = ["EnergyResult", "HourlyEnergy", "equipment_energy", "register_tools"]

SOURCE = "energy_meter.csv"


@dataclass(frozen=True)
class _Reading:
    ts: datetime
    line: str
    equipment: str
    kwh: float


@functools.cache
def _readings() -> tuple[_Reading, ...]:
    # The export is read once per process; it is package data and never changes at run time.
    with resources.files(__package__).joinpath("data", SOURCE).open(encoding="utf-8") as handle:
        return tuple(
            _Reading(datetime.fromisoformat(row["ts"]), row["line"], row["equipment"], float(row["kwh"]))
            for row in csv.DictReader(handle)
        )


class HourlyEnergy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hour: datetime
    kwh: float


class EnergyResult(ToolResult):
    """Energy a machine used over a period."""

    equipment: str
    line: str
    total_kwh: float
    hours_metered: int
    average_kwh_per_hour: float | None
    peak_hour: datetime | None
    peak_kwh: float | None
    hourly: list[HourlyEnergy] = Field(default_factory=list, description="Highest hours first, at most `limit`.")


@tool(
    domain="equipment",
    description_zh="设备在某时段的用电量（千瓦时），来自电能表历史数据",
    examples=["How much energy did CNC-03 use last week?", "3号数控机床上周用了多少电？", "CNC-01 kWh yesterday"],
    sample_args={"equipment": "CNC-03", "period": "last week"},
)
def equipment_energy(ctx: ToolContext, equipment: str, period: str = "yesterday", limit: int = 5) -> EnergyResult:
    """Electric energy (kWh) a machine used over a period, with its peak hours, from the energy-meter historian.

    Args:
        equipment: Equipment code, e.g. "CNC-03".
        period: Time expression, e.g. "yesterday", "last week", "昨天", "2026-11-01..2026-11-07".
        limit: How many of the highest hours to list (0-48).
    """
    code = equipment.strip().upper()
    known = sorted({reading.equipment for reading in _readings()})
    if code not in known:
        raise UnknownEntityError(
            f"no energy meter for equipment {equipment!r} / 没有该设备的电能表", difflib.get_close_matches(code, known)
        )
    span = resolve_period(period, ctx.clock)
    rows = [r for r in _readings() if r.equipment == code and span.start <= r.ts < span.end]
    line = next(r.line for r in _readings() if r.equipment == code)
    require_scope(ctx, line)
    shown = max(0, min(limit, 48))
    top = sorted(rows, key=lambda r: (-r.kwh, r.ts))
    total = round(sum(r.kwh for r in rows), 2)
    peak = top[0] if top else None
    return EnergyResult(
        summary=f"{code} used {total} kWh over {span.label} ({len(rows)} metered hours)",
        unit="kWh",
        period=span,
        scope={"line": line, "equipment": code},
        provenance=Provenance(tables=[SOURCE], filters={"equipment": code, "period": span.label}, row_count=len(rows)),
        complete=len(rows) <= shown,
        data_unavailable=not rows,
        total_count=len(rows) if len(rows) > shown else None,
        equipment=code,
        line=line,
        total_kwh=total,
        hours_metered=len(rows),
        average_kwh_per_hour=round(total / len(rows), 3) if rows else None,
        peak_hour=peak.ts if peak else None,
        peak_kwh=peak.kwh if peak else None,
        hourly=[HourlyEnergy(hour=r.ts, kwh=r.kwh) for r in top[:shown]],
    )


def register_tools(register: Callable[[Tool], None]) -> None:
    """Andon calls this once when it loads the plugin."""
    register(equipment_energy)
