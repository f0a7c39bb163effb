"""Tables and charts for data answers: a person would rather look at a trend or a Pareto than read it.

Works on the JSON of any tool result: the first list of row objects becomes the table; rows with a
date or time column become a line chart, rows with a label and a number a Pareto bar chart. An SPC
result with points gets its control and specification limits drawn as lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ChartSpec", "chart_for", "table_rows"]

_META_KEYS = {"summary", "unit", "complete", "data_unavailable", "total_count", "provenance", "period", "scope"}
_TIME_KEYS = ("day", "date", "hour", "at", "start", "time", "ts", "period_start")
_LABEL_KEYS = ("reason", "code", "key", "defect", "alarm", "material", "supplier", "equipment", "name_en", "name")
_VALUE_KEYS = (
    "oee",
    "minutes",
    "count",
    "events",
    "value",
    "mean",
    "quantity",
    "good",
    "on_time_rate",
    "available",
    "share",
    "z",
)


@dataclass(frozen=True)
class ChartSpec:
    """What to draw: long-format rows with x, y and series columns."""

    kind: Literal["line", "bar"]
    title: str
    x: str
    y: str
    rows: list[dict[str, Any]]
    series: str | None = None
    x_title: str = ""
    y_title: str = ""


def _row_lists(result: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    found = []
    for key, value in result.items():
        if key in {"provenance", "period", "scope"}:
            continue
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            found.append((key, value))
    return found


def table_rows(result: dict[str, Any], limit: int = 200) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the first list of row objects in a result (scalar columns only)."""
    lists = _row_lists(result)
    if not lists:
        fields: dict[str, Any] = {}
        for key, value in result.items():
            if key in _META_KEYS:
                continue
            if isinstance(value, dict):  # e.g. the OEE breakdown: its figures are what a person looks for
                fields.update({f"{key}.{k}": v for k, v in value.items() if isinstance(v, int | float | str)})
            elif isinstance(value, int | float | str) and not isinstance(value, bool):
                fields[key] = value
        return (["field", "value"], [[k, v] for k, v in fields.items()]) if fields else ([], [])
    rows = lists[0][1][:limit]
    headers = [key for key, value in rows[0].items() if not isinstance(value, dict | list)]
    return headers, [[row.get(key) for key in headers] for row in rows]


def _first(keys: tuple[str, ...], row: dict[str, Any], numeric: bool = False) -> str | None:
    for key in keys:
        value = row.get(key)
        if value is None:
            continue
        if numeric and not (isinstance(value, int | float) and not isinstance(value, bool)):
            continue
        return key
    return None


_LIMIT_KEYS = ("lsl", "usl", "lcl", "ucl", "center_line", "target", "normal_low", "normal_high", "alarm_high")


def _limit_rows(result: dict[str, Any], xs: list[Any]) -> list[dict[str, Any]]:
    """Horizontal lines for the limits a result states (spec, control, normal band, alarm)."""
    rows: list[dict[str, Any]] = []
    for name in _LIMIT_KEYS:
        level = result.get(name)
        if isinstance(level, int | float) and not isinstance(level, bool):
            rows.extend({"x": x, "y": level, "series": name.upper()} for x in xs)
    return rows


def _series_chart(title: str, x_key: str, y_key: str, rows: list[dict[str, Any]], result: dict[str, Any]) -> ChartSpec:
    data = [
        {"x": str(row.get(x_key)), "y": row.get(y_key), "series": y_key} for row in rows if row.get(y_key) is not None
    ]
    limits = _limit_rows(result, [point["x"] for point in data])
    return ChartSpec(
        kind="line", title=title, x="x", y="y", rows=data + limits, series="series", x_title=x_key, y_title=y_key
    )


def chart_for(tool_name: str, result: dict[str, Any]) -> ChartSpec | None:
    """A chart for a tool result, or None when a chart would not help."""
    points = result.get("points")
    if "lsl" in result and isinstance(points, list) and points and isinstance(points[0], dict):
        x_key = _first(("at", "subgroup"), points[0]) or "subgroup"
        y_key = _first(("mean", "value"), points[0], numeric=True) or "value"
        title = f"SPC {result.get('characteristic', '')}".strip()
        return _series_chart(title, x_key, y_key, points, result)
    for key, rows in _row_lists(result):
        if len(rows) < 2 or len({row.get("unit") for row in rows}) > 1:
            continue  # one point is no chart; values in different units share no axis
        first = rows[0]
        value_key = _first(_VALUE_KEYS, first, numeric=True)
        if value_key is None:
            continue
        time_key = _first(_TIME_KEYS, first)
        if time_key is not None:
            return _series_chart(f"{tool_name}: {value_key}", time_key, value_key, rows, result)
        label_key = _first(_LABEL_KEYS, first)
        if label_key is not None:
            data = [
                {"x": str(row.get(label_key)), "y": row.get(value_key)}
                for row in rows
                if row.get(value_key) is not None
            ]
            title = f"{tool_name}: {value_key} by {label_key} ({key})"
            return ChartSpec(kind="bar", title=title, x="x", y="y", rows=data, x_title=label_key, y_title=value_key)
    return None
