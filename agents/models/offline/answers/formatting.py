"""How figures, periods, scopes and provenance read in an answer, in English and Chinese.

Figures are the tool result's own values, rounded for reading (never recomputed): a ratio field
(OEE 0.8532) reads as a percentage (85.3%), everything else keeps up to two decimals, and the
unit is the result's unit or the one the field name carries (`downtime_min` -> "min").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from agents.extraction import Language
from agents.models.offline.answers.labels import label

__all__ = [
    "field_unit",
    "format_figure",
    "format_number",
    "format_percent",
    "is_ratio_field",
    "period_text",
    "provenance_text",
    "scope_text",
]

_RATIO_NAME = re.compile(
    r"(?:^|_)(?:oee|nee|availability|performance|effectiveness|quality|quality_ratio|rate|ratio|yield|fpy|share|"
    r"otd|on_time|on_time_rate|adherence|progress|utilization|utilisation|fraction|pct_of_total|cumulative_share)(?:$|_)"
)
_PERCENT_NAME = re.compile(r"(?:^|_)(?:pct|percent|percentage)$")
_UNIT_SUFFIXES: dict[str, str] = {
    "min": "min",
    "mins": "min",
    "minutes": "min",
    "h": "h",
    "hours": "h",
    "hrs": "h",
    "s": "s",
    "sec": "s",
    "seconds": "s",
    "days": "d",
    "kg": "kg",
    "mm": "mm",
    "pcs": "pcs",
    "kn": "kN",
    "um": "µm",
}
_UNITLESS = frozenset(
    {
        "cp",
        "cpk",
        "pp",
        "ppk",
        "z_score",
        "zscore",
        "peak_z",
        "threshold",
        "window",
        "subgroups",
        "subgroup_size",
        "values",
    }
)
_THINGS = re.compile(
    r"(?:^|_)(?:count|counts|rows|failures|events|stops|orders|lines|alarms|items|n|number|inspections|inspected|"
    r"readings|receipts|subgroups|values|days|late|priority|line_no)(?:$|_)"
)


def is_ratio_field(name: str, value: float, unit: str | None) -> bool:
    """A 0..1 value whose field name says it is a ratio (oee, availability, scrap_rate, ...)."""
    if unit and unit.strip() in {"%", "percent"}:
        return False
    return 0.0 <= value <= 1.0 and bool(_RATIO_NAME.search(name.lower()))


def field_unit(name: str, result_unit: str | None, value: float | int | None = None) -> str | None:
    """The unit of a field: from its name's suffix, else the result's unit where it applies to this field."""
    lowered = name.lower()
    if _PERCENT_NAME.search(lowered):
        return "%"
    suffix = lowered.rsplit("_", 1)[-1] if "_" in lowered else lowered
    # "minutes", "downtime_min", "planned_busy_h"; a field named just "h" or "s" is not a unit.
    if suffix in _UNIT_SUFFIXES and (lowered != suffix or lowered in {"minutes", "hours", "seconds", "days"}):
        return _UNIT_SUFFIXES[suffix]
    if _RATIO_NAME.search(lowered) or lowered in _UNITLESS or not result_unit or result_unit in {"ratio", "count"}:
        return None
    if _THINGS.search(lowered):
        # Counts of events, orders, readings... have no unit of their own.
        return None
    if result_unit in {"pcs", "pc", "kg", "t", "m"} or isinstance(value, float):
        # Quantities carry the unit; a measurement unit (mm, kN) applies to measured (float) values.
        return result_unit
    return None


def format_number(value: float | int, lang: Language, decimals: int | None = None) -> str:
    """A figure for reading: integers as they are; other values keep what a person would quote.

    Values of 100 and more keep two decimals, values from 1 to 100 four (a bore of 25.0003 mm must
    not read as 25), smaller ones three significant digits; trailing zeros are trimmed.
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 1):
        number = int(value)
        return f"{number:,}" if lang == "en" and abs(number) >= 10_000 else str(number)
    if decimals is None:
        if abs(value) >= 100:
            decimals = 2
        elif abs(value) >= 1:
            decimals = 4
        else:
            return f"{value:.3g}" if "e" not in f"{value:.3g}" else f"{value:.6f}".rstrip("0")
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def format_percent(ratio: float) -> str:
    """A ratio as a percentage with one decimal (85.3%), or two significant digits below 1% (0.74%).

    The decimal is kept even when it is zero ("1.0%"), so the figure shows its precision.
    """
    percent = ratio * 100
    if 0 < abs(percent) < 1:
        # "#" keeps the trailing zero: 0.9009 reads "0.90%", two significant digits, not "0.9%".
        return f"{percent:#.2g}%"
    return f"{percent:.1f}%"


def format_figure(name: str, value: float | int, result_unit: str | None, lang: Language) -> str:
    """A field's value with its unit: 0.853 OEE -> "85.3%", 42.5 downtime_min -> "42.5 min"."""
    if isinstance(value, float) and is_ratio_field(name, value, result_unit):
        return format_percent(value)
    unit = field_unit(name, result_unit, value)
    # Measured values (mm, bar, mm/s) keep four decimals; times, counts and plain figures two.
    coarse = unit is None or unit in {"h", "min", "s", "d", "pcs", "%"}
    number = format_number(value, lang, 2 if coarse and abs(value) >= 1 else None)
    if unit is None:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _parse(moment: Any) -> datetime | None:
    if isinstance(moment, datetime):
        return moment
    try:
        return datetime.fromisoformat(str(moment))
    except ValueError:
        return None


def _span_text(start: datetime, end: datetime) -> str:
    midnight = start.time() == end.time() == datetime.min.time()
    if midnight:
        last = end - timedelta(days=1)
        if last.date() <= start.date():
            return start.date().isoformat()
        return f"{start.date().isoformat()} – {last.date().isoformat()}"
    if start.date() == end.date():
        return f"{start.date().isoformat()} {start:%H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


def period_text(period: Mapping[str, Any] | None, lang: Language) -> str:
    """The period as "yesterday (2026-11-21)" / "昨天（2026-11-21）"; the dates alone when the label is the dates."""
    if not period:
        return ""
    start, end = _parse(period.get("start")), _parse(period.get("end"))
    label_text = str(period.get("label") or "").strip()
    span = _span_text(start, end) if start and end else ""
    if not span:
        return label_text
    if not label_text or label_text == span or label_text.replace(" ", "") == span.replace(" ", ""):
        return span
    return f"{label_text}（{span}）" if lang == "zh" else f"{label_text} ({span})"


def scope_text(scope: Mapping[str, Any] | None) -> str:
    """The scope's values: {"line": "L2"} -> "L2"; several are joined with " / "."""
    if not scope:
        return ""
    return " / ".join(str(value) for value in scope.values() if value not in (None, ""))


def provenance_text(provenance: Mapping[str, Any] | None, lang: Language) -> str:
    """Where the figures came from: "Source: 48 rows of production_count." / "数据来源：production_count，共48行。"."""
    if not provenance:
        return ""
    tables = [str(table) for table in provenance.get("tables") or ()]
    rows = provenance.get("row_count")
    filters = provenance.get("filters") or {}
    filter_text = ", ".join(f"{key}={value}" for key, value in filters.items())
    if lang == "zh":
        text = f"数据来源：{'、'.join(tables) or '—'}"
        if isinstance(rows, int):
            text += f"，共{rows}行"
        if filter_text:
            text += f"（{filter_text}）"
        return text + "。"
    text = f"Source: {rows} rows of {', '.join(tables)}" if isinstance(rows, int) else f"Source: {', '.join(tables)}"
    if filter_text:
        text += f" ({filter_text})"
    return text + "."


def field_label(name: str, lang: Language) -> str:
    """Re-exported for templates: the reader's name of a field."""
    return label(name, lang)
