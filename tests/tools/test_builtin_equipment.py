"""Equipment tools: sensor trend, anomaly detection, alarms; on the tiny plant by hand and on the demo plant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from connectors.demo import stories
from tools.builtin import detect_anomalies, list_alarms, sensor_trend, top_alarm_codes
from tools.contract import ToolContext

Run = Callable[..., Any]
SPIKE_AT = datetime(2026, 11, 19, 22)  # hour 40 of the readings starting 11-18 06:00


def test_sensor_trend_summary(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(sensor_trend, tiny_ctx, tag="CNC-03.VIB", period="2026-11-18..2026-11-19")
    # 42 hourly readings alternate 1.7 / 1.6 from 11-18 06:00; 11-19 22:00 reads 4.0 instead of 1.7.
    assert (result.readings, result.max, result.max_at, result.above_normal, result.above_alarm) == (
        42,
        4.0,
        SPIKE_AT,
        1,
        0,
    )
    assert result.mean == pytest.approx((20 * 1.7 + 21 * 1.6 + 4.0) / 42, abs=1e-4)
    assert [d.day.isoformat() for d in result.daily] == ["2026-11-18", "2026-11-19"]
    assert result.scope == {"tag": "CNC-03.VIB", "equipment": "CNC-03", "line": "L2"}


def test_anomalies_find_the_spike(tiny_ctx: ToolContext, run: Run) -> None:
    result = run(detect_anomalies, tiny_ctx, tag="CNC 3 vibration", period="past 3 days", window=10)
    assert [(i.kind, i.start, i.end, i.peak_value) for i in result.intervals] == [
        ("outside operating band", SPIKE_AT, SPIKE_AT, 4.0),
        ("z-score", SPIKE_AT, SPIKE_AT, 4.0),
    ]
    only_drops = run(detect_anomalies, tiny_ctx, tag="CNC-03.VIB", period="past 3 days", window=10, direction="low")
    assert only_drops.intervals == []


def test_alarm_list_and_most_frequent_codes(tiny_ctx: ToolContext, run: Run) -> None:
    alarms = run(list_alarms, tiny_ctx, target="CNC-03", period="yesterday", limit=2)
    assert [(a.code, a.raised_at.hour, a.minutes) for a in alarms.alarms] == [("E-217", 12, 5.0), ("E-205", 9, 5.0)]
    assert (alarms.complete, alarms.total_count) == (False, 4)
    only = run(list_alarms, tiny_ctx, period="yesterday", code="e217")
    assert len(only.alarms) == 3
    top = run(top_alarm_codes, tiny_ctx, target="L2", period="yesterday")
    assert [(c.code, c.count, c.minutes, c.equipment) for c in top.codes] == [
        ("E-217", 3, 15.0, ["CNC-03"]),
        ("E-205", 1, 5.0, ["CNC-03"]),
    ]


# --- small demo plant -------------------------------------------------------------------------------------------


def test_demo_vibration_rises_before_the_breakdown(demo_ctx: ToolContext, run: Run) -> None:
    ramp = run(
        sensor_trend,
        demo_ctx,
        tag=stories.BREAKDOWN_VIBRATION_TAG,
        period=f"{stories.VIBRATION_RAMP_START:%Y-%m-%d}..{stories.BREAKDOWN_START - timedelta(days=1):%Y-%m-%d}",
    )
    after = run(sensor_trend, demo_ctx, tag="3号数控机床主轴振动", period="2026-11-16..2026-11-19")
    assert ramp.slope_per_day > 0.1
    assert ramp.daily[-1].mean > 1.5 * ramp.daily[0].mean
    assert after.mean < ramp.daily[-1].mean  # back to normal after the bearing was replaced


def test_demo_anomalies_show_the_drift_out_of_the_band_before_the_breakdown(demo_ctx: ToolContext, run: Run) -> None:
    result = run(
        detect_anomalies, demo_ctx, tag=stories.BREAKDOWN_VIBRATION_TAG, period="past 30 days", direction="high"
    )
    band = [i for i in result.intervals if i.kind == "outside operating band"]
    longest = max(band, key=lambda i: i.readings)
    assert stories.VIBRATION_RAMP_START < longest.start < stories.BREAKDOWN_START
    assert longest.end <= stories.BREAKDOWN_END
    assert longest.peak_value > result.normal_high


def test_demo_recurring_alarms_top_their_lines(demo_ctx: ToolContext, run: Run) -> None:
    equipment, code, _rate = stories.RECURRING_ALARMS[0]
    result = run(top_alarm_codes, demo_ctx, target=equipment, period="past 30 days", limit=1)
    assert result.codes[0].code == code
    listed = run(list_alarms, demo_ctx, target=equipment, period="past 30 days", code=code, limit=100)
    assert (listed.total_count or len(listed.alarms)) == result.codes[0].count
