"""Periods for tools: a time expression resolved against the context's plant clock and the plant's shifts."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from sqlalchemy import select

from connectors.schema import Shift
from tools.contract import PeriodSpan, ToolContext
from tools.errors import UnknownEntityError
from tools.resolvers.entities import Entity, entity_key
from tools.resolvers.time_expressions import MAX_SPAN, ShiftWindow, resolve_period

__all__ = ["resolve_shift", "resolve_tool_period", "shift_windows"]

_PARENTHESES = re.compile(r"[（(].*?[）)]")


def _duration(start: time, end: time) -> timedelta:
    anchor = datetime(2000, 1, 1)
    length = datetime.combine(anchor.date(), end) - datetime.combine(anchor.date(), start)
    # A shift whose end is not after its start ends the next day (night shift 22:00-06:00).
    return length if length > timedelta(0) else length + timedelta(days=1)


def _names(shift: Shift) -> tuple[str, ...]:
    """How people call a shift: "Night shift (C)" also answers to "night shift", "night", "C班", "shift C"."""
    names = {shift.name_en, shift.name_zh, f"shift {shift.code}", f"{shift.code} shift", f"{shift.code}班"}
    for name in (shift.name_en, shift.name_zh):
        bare = _PARENTHESES.sub("", name).strip()
        if bare:
            names.add(bare)
            if bare.lower().endswith(" shift"):
                names.add(bare[: -len(" shift")])
    return tuple(sorted(names, key=len, reverse=True))


def shift_windows(ctx: ToolContext) -> list[ShiftWindow]:
    """The plant's shift patterns as windows for the time resolver."""
    shifts = ctx.session.execute(select(Shift).order_by(Shift.start_time)).scalars().all()  # type: ignore[arg-type]
    return [ShiftWindow(s.code, _names(s), s.start_time, _duration(s.start_time, s.end_time)) for s in shifts]


def resolve_tool_period(
    ctx: ToolContext, expression: str, max_span: timedelta = MAX_SPAN, *, allow_future: bool = False
) -> PeriodSpan:
    """Resolve a tool's `period` argument against the plant clock (shift names come from the plant);
    `allow_future` for filters on due or promised dates."""
    return resolve_period(
        expression, ctx.clock, shifts=shift_windows(ctx), max_span=max_span, allow_future=allow_future
    )


def resolve_shift(ctx: ToolContext, text: str) -> Entity:
    """A shift pattern by code or name ("C", "night shift", "夜班", "C班")."""
    shifts = ctx.session.execute(select(Shift)).scalars().all()
    key = entity_key(text)
    for shift in shifts:
        if key in {entity_key(name) for name in (shift.code, *_names(shift))}:
            return Entity("shift", shift.id or 0, shift.code, shift.name_en, shift.name_zh)
    codes = [s.code for s in shifts]
    raise UnknownEntityError(f"unknown shift {text!r} / 未找到班次 {text!r}; shifts / 班次: {', '.join(codes)}", codes)
