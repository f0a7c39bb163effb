"""The live store: a sample is stored once per (tag, timestamp); complete hours become hourly means;
a cleared alarm becomes an `alarm` row."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, text

from connectors.live.store import AlarmEvent, LiveStore, Sample

T0 = datetime(2026, 11, 20, 6, 0)


def _vib(minutes: int, value: float) -> Sample:
    return Sample("CNC-03.VIB", T0 + timedelta(minutes=minutes), value, "opcua", "ns=2;s=CNC-03.VIB")


def test_samples_are_idempotent_and_complete_hours_are_rolled_up(live_engine: Engine) -> None:
    store = LiveStore(live_engine)
    first = store.write([_vib(0, 1.0), _vib(20, 2.0), _vib(40, 3.0)])
    assert (first.samples_new, first.hours_rolled_up) == (3, 0)  # 06:00-07:00 is not complete yet
    again = store.write([_vib(20, 2.0), _vib(40, 3.0), _vib(60, 10.0)])  # a reconnect repeats two of them
    assert (again.samples_new, again.samples_known, again.hours_rolled_up) == (1, 2, 1)
    late = store.write([_vib(50, 6.0)])  # a late sample lands in the rolled-up hour: it is rolled up again
    assert late.hours_rolled_up == 1
    with live_engine.connect() as conn:
        hourly = conn.execute(
            text(
                "select ts, value from sensor_reading r join sensor_tag t on t.id = r.tag_id "
                "where t.code = 'CNC-03.VIB' and ts >= '2026-11-20 06:00'"
            )
        ).all()
    assert [(str(ts)[:16], value) for ts, value in hourly] == [("2026-11-20 06:00", 3.0)]  # (1+2+3+6)/4
    assert store.sample_count() == 5


def test_a_cleared_alarm_becomes_an_alarm_row_once(live_engine: Engine) -> None:
    store = LiveStore(live_engine)
    raised = AlarmEvent("CNC-03", "E-217", T0 + timedelta(minutes=5), True, "opcua", "ns=2;s=CNC-03")
    cleared = AlarmEvent("CNC-03", "E-217", T0 + timedelta(minutes=9), False, "opcua", "ns=2;s=CNC-03")
    assert store.write(alarms=[raised]).alarms_raised == 1
    assert store.write(alarms=[raised, cleared]).alarms_cleared == 1
    assert store.write(alarms=[raised, cleared]).alarms_cleared == 0  # repeated after a reconnect
    with live_engine.connect() as conn:
        rows = conn.execute(text("select raised_at, cleared_at from alarm where raised_at >= '2026-11-20 06:00'")).all()
    assert [(str(a)[:19], str(b)[:19]) for a, b in rows] == [("2026-11-20 06:05:00", "2026-11-20 06:09:00")]


def test_unknown_tags_and_codes_are_rejected_not_stored(live_engine: Engine) -> None:
    store = LiveStore(live_engine)
    report = store.write(
        [Sample("NOPE.VIB", T0, 1.0, "mqtt", "a/b")], [AlarmEvent("CNC-03", "E-999", T0, True, "mqtt", "a/c")]
    )
    assert report.samples_new == 0
    assert report.rejected == [
        "unknown sensor tag 'NOPE.VIB' from a/b",
        "unknown alarm code 'E-999' in an alarm from a/c",
    ]
