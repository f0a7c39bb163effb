"""`andon sim mqtt`: demo telemetry published to an MQTT broker (paho-mqtt, QoS 1).

Two formats, both continuing `PlantSimulation` from the plant clock:
- `sparkplug` (default): Sparkplug B, one edge node per line and one device per machine:
  NBIRTH / DBIRTH on connect, then DDATA with one Double metric per signal (`VIB`, `TEMP`, ...)
  and Boolean `Alarm/<code>` metrics when an alarm is raised or cleared;
  topic `spBv1.0/<site>/DDATA/<line>/<machine>`.
- `json`: `andon/<site>/<line>/<machine>/<signal>` with {"ts": ISO 8601, "value": ...}, and alarms on
  `andon/<site>/<line>/<machine>/alarms` as {"code", "active", "ts", "raised_at"}.

paho keeps QoS 1 messages that are not acknowledged yet and sends them again after a reconnect,
so a broker that drops and comes back receives every sample.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from connectors.live.simulation import PlantSimulation, SimClock, SimulatedAlarm
from connectors.live.timebase import to_utc
from connectors.mqtt.ingest import disconnect_reason
from connectors.mqtt.sparkplug import NAMESPACE, DataType, SparkplugMetric, encode

__all__ = ["MqttFormat", "MqttPublisher", "json_alarm_topic", "json_topic", "sparkplug_topic"]

_log = logging.getLogger(__name__)
MqttFormat = Literal["sparkplug", "json"]
_QOS = 1
_DRAIN_S = 10.0


def sparkplug_topic(site: str, line: str, machine: str, message_type: str = "DDATA") -> str:
    return f"{NAMESPACE}/{site}/{message_type}/{line}/{machine}"


def json_topic(site: str, line: str, machine: str, signal: str) -> str:
    return f"andon/{site}/{line}/{machine}/{signal}"


def json_alarm_topic(site: str, line: str, machine: str) -> str:
    return f"andon/{site}/{line}/{machine}/alarms"


def _ms(moment: datetime, zone: ZoneInfo) -> int:
    return int(to_utc(moment, zone).timestamp() * 1000)


class MqttPublisher:
    """Publishes the simulated machines of `lines` (all when None) every `interval` wall seconds."""

    def __init__(
        self,
        simulation: PlantSimulation,
        clock: SimClock,
        *,
        host: str,
        port: int,
        zone: ZoneInfo,
        site: str = "SZ1",
        lines: set[str] | None = None,
        fmt: MqttFormat = "sparkplug",
        interval: float = 1.0,
        report: Callable[[str], None] = _log.warning,
        client_id: str = "andon-sim",
    ) -> None:
        self.simulation = simulation
        self.clock = clock
        self.host, self.port, self.zone, self.site = host, port, zone, site
        self.fmt = fmt
        self.interval = interval
        self.report = report
        self.tags = [t for t in simulation.tags if lines is None or t.line in lines]
        self.machines = sorted({(t.line, t.equipment) for t in self.tags})
        self.first_index: int | None = None  # grid indices of the first and last samples handed to paho
        self.last_index: int | None = None
        self._next_index: int | None = None
        self._alarms_until = simulation.start
        self._seq = 0
        self._connected = threading.Event()
        self._stopping = False
        self._unconfirmed: set[int] = set()  # message ids the broker has not acknowledged yet
        self._early: set[int] = set()  # acknowledged before `_publish` got to register them
        self._lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False)
        self.client.on_connect = self._on_connect
        self.client.on_connect_fail = self._on_connect_fail
        self.client.on_disconnect = self._on_disconnect
        self.client.on_publish = self._on_publish
        self._unreachable_said = False
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)

    # -- connection ---------------------------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            self.report(f"MQTT broker {self.host}:{self.port} refused the publisher: {reason}")
            return
        self._connected.set()
        self._unreachable_said = False
        self.report(f"MQTT publisher connected to {self.host}:{self.port} ({self.fmt}) / MQTT发布端已连接")
        if self.fmt == "sparkplug":
            self._births()

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        if not self._unreachable_said:  # one line until it connects, not one per retry
            self._unreachable_said = True
            self.report(
                f"MQTT broker {self.host}:{self.port} unreachable; publishing resumes when it is up "
                "/ 无法连接MQTT代理，正在重试"
            )

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if self._connected.is_set() and not self._stopping:
            self.report(
                f"MQTT broker {self.host}:{self.port} dropped the publisher ({disconnect_reason(reason)}); reconnecting"
            )
        self._connected.clear()

    def _on_publish(self, client: mqtt.Client, userdata: Any, mid: int, reason: Any, properties: Any) -> None:
        with self._lock:
            if mid in self._unconfirmed:
                self._unconfirmed.discard(mid)
            else:
                self._early.add(mid)

    @property
    def unconfirmed(self) -> int:
        """QoS 1 messages handed to paho that the broker has not acknowledged yet."""
        with self._lock:
            return len(self._unconfirmed)

    def _births(self) -> None:
        now = _ms(self.clock.now(), self.zone)
        for line in sorted({line for line, _ in self.machines}):
            birth = encode([SparkplugMetric("bdSeq", 0, DataType.INT64)], timestamp_ms=now, seq=0)
            self.client.publish(f"{NAMESPACE}/{self.site}/NBIRTH/{line}", birth, qos=0)
        for line, machine in self.machines:
            metrics = [SparkplugMetric(t.suffix, 0.0) for t in self.tags if t.equipment == machine]
            birth = encode(metrics, timestamp_ms=now, seq=0)
            self.client.publish(sparkplug_topic(self.site, line, machine, "DBIRTH"), birth, qos=0)

    # -- publishing ---------------------------------------------------------------------------------

    def _publish(self, topic: str, payload: bytes | str) -> None:
        # Not under our lock: paho calls on_publish holding its own, and the two would deadlock.
        info = self.client.publish(topic, payload, qos=_QOS)
        with self._lock:
            if info.mid in self._early:
                self._early.discard(info.mid)
            else:
                self._unconfirmed.add(info.mid)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):  # NO_CONN: queued, sent on reconnect
            self.report(f"MQTT publish to {topic} failed: {mqtt.error_string(info.rc)}")

    def _samples(self, index: int) -> None:
        moment = self.simulation.moment(index)
        by_machine: dict[tuple[str, str], list[SparkplugMetric]] = {}
        for tag in self.tags:
            value = self.simulation.value(tag.code, index)
            if self.fmt == "json":
                body = json.dumps({"ts": to_utc(moment, self.zone).isoformat(), "value": value})
                self._publish(json_topic(self.site, tag.line, tag.equipment, tag.suffix), body)
            else:
                by_machine.setdefault((tag.line, tag.equipment), []).append(SparkplugMetric(tag.suffix, value))
        for (line, machine), metrics in by_machine.items():
            self._seq = (self._seq + 1) % 256
            body_bytes = encode(metrics, timestamp_ms=_ms(moment, self.zone), seq=self._seq)
            self._publish(sparkplug_topic(self.site, line, machine), body_bytes)
        self.first_index = index if self.first_index is None else self.first_index
        self.last_index = index

    def _alarm(self, alarm: SimulatedAlarm, active: bool, at: datetime) -> None:
        if self.fmt == "json":
            body = json.dumps(
                {
                    "code": alarm.code,
                    "active": active,
                    "ts": to_utc(at, self.zone).isoformat(),
                    "raised_at": to_utc(alarm.raised_at, self.zone).isoformat(),
                }
            )
            self._publish(json_alarm_topic(self.site, alarm.line, alarm.equipment), body)
            return
        metric = SparkplugMetric(f"Alarm/{alarm.code}", active, DataType.BOOLEAN, _ms(at, self.zone))
        self._seq = (self._seq + 1) % 256
        body_bytes = encode([metric], timestamp_ms=_ms(at, self.zone), seq=self._seq)
        self._publish(sparkplug_topic(self.site, alarm.line, alarm.equipment), body_bytes)

    def tick(self) -> None:
        """Publish every grid point since the last tick and the alarm changes up to now."""
        now = self.clock.now()
        last = self.simulation.index(now)
        first = self._next_index if self._next_index is not None else last
        for index in range(max(first, 0), last + 1):
            self._samples(index)
        self._next_index = max(last + 1, first)
        machines = {machine for _, machine in self.machines}
        for alarm in self.simulation.alarms(now):
            if alarm.equipment not in machines:
                continue
            if self._alarms_until < alarm.raised_at <= now:
                self._alarm(alarm, True, alarm.raised_at)
            if alarm.cleared_at is not None and self._alarms_until < alarm.cleared_at <= now:
                self._alarm(alarm, False, alarm.cleared_at)
        self._alarms_until = now

    def run(self, stop: threading.Event) -> None:
        """Publish until `stop` is set; waits for the broker (with retries) instead of failing."""
        self._alarms_until = max(self.simulation.start, self.clock.now())
        self.client.connect_async(self.host, self.port, keepalive=15)
        self.client.loop_start()
        try:
            while not stop.wait(self.interval):
                self.tick()
        finally:
            self._stopping = True
            # What paho still holds goes out before the connection closes, even if the broker is only
            # coming back now (paho keeps reconnecting meanwhile).
            deadline = time.monotonic() + _DRAIN_S
            while self.unconfirmed and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.unconfirmed:
                self.report(
                    f"MQTT publisher stopped with {self.unconfirmed} message(s) the broker {self.host}:{self.port} "
                    "never confirmed / 有消息未被代理确认"
                )
            self.client.disconnect()
            self.client.loop_stop()
