"""MQTT ingestion (paho-mqtt 2, callback API version 2): broker topics into the plant database.

No loss, no duplicates:
- a persistent session (clean_session=False, fixed client id) and QoS 1 subscriptions: while Andon
  is away the broker keeps the messages for it;
- manual acknowledgement: a message is acknowledged only after the transaction that stored it has
  committed, so a crash or a dropped connection before that means the broker delivers it again;
- the store skips (tag, timestamp) pairs it already has, so a redelivery changes nothing;
- a batch the database refused stays pending and is written again at the next flush (its messages
  stay unacknowledged until then);
- a broker that comes back without Andon's session (no persistence, or the session expired) cannot
  redeliver what it held: that is reported in one line, since those messages are gone.
Malformed payloads are reported once per topic, acknowledged (so they are not redelivered forever)
and counted; the rest of the stream goes on.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from connectors.live.mapping import MqttSource
from connectors.live.store import AlarmEvent, LiveStore, Sample
from connectors.live.timebase import to_plant_time
from connectors.mqtt.sparkplug import SparkplugError, SparkplugPayload, SparkplugTopic, decode

__all__ = ["MqttIngestor", "PayloadError", "disconnect_reason"]

_log = logging.getLogger(__name__)
_QOS = 1
_FLUSH_S = 0.2
_ALARM_METRIC = "Alarm/"


def disconnect_reason(reason: Any) -> str:
    """paho's reason for a lost connection, in words a person reads ("Unspecified error" is a lost socket)."""
    text = str(reason)
    return "connection lost" if text in ("Unspecified error", "") else text


class PayloadError(ValueError):
    """A message that cannot be read as what its topic is mapped to."""


def _moment(value: Any, zone: ZoneInfo) -> datetime:
    """An ISO 8601 string (naive = plant-local) or epoch milliseconds, as plant-local time."""
    if isinstance(value, bool) or value is None:
        raise PayloadError("no timestamp (ts)")
    if isinstance(value, int | float):
        return to_plant_time(datetime.fromtimestamp(value / 1000, tz=UTC), zone)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise PayloadError(f"timestamp {value!r} is not ISO 8601") from None
    return parsed if parsed.tzinfo is None else to_plant_time(parsed, zone)


def _json(payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PayloadError("not JSON") from None
    if not isinstance(data, dict):
        raise PayloadError("not a JSON object")
    return data


@dataclass
class _Pending:
    samples: list[Sample] = field(default_factory=list)
    alarms: list[AlarmEvent] = field(default_factory=list)
    acks: list[tuple[int, int]] = field(default_factory=list)  # (connection generation, message id)


class MqttIngestor:
    """Ingests the mapped topics of one broker; `run` blocks until `stop` is set."""

    def __init__(
        self, source: MqttSource, store: LiveStore, zone: ZoneInfo, *, report: Callable[[str], None] = _log.warning
    ) -> None:
        self.source = source
        self.store = store
        self.zone = zone
        self.report = report
        self.json_tags = {t.topic: t.tag for t in source.tags if t.metric is None}
        self.metric_tags = {(t.topic, t.metric): t.tag for t in source.tags if t.metric is not None}
        self.alarm_topics = {a.topic: a for a in source.alarms}
        self.births: dict[str, dict[int, str]] = {}  # device topic -> alias -> metric name
        self.rejected = 0
        self.stored_samples = 0
        self.connected = threading.Event()
        self._complaints: set[str] = set()
        self._lock = threading.Lock()
        self._pending = _Pending()
        self._generation = 0
        self._was_connected = False
        self._stopping = False
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=source.client_id, clean_session=False, manual_ack=True
        )
        self.client.on_connect = self._on_connect
        self.client.on_connect_fail = self._on_connect_fail
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)

    @property
    def where(self) -> str:
        return f"{self.source.host}:{self.source.port}"

    def _complain_once(self, key: str, message: str) -> None:
        if key not in self._complaints:
            self._complaints.add(key)
            self.report(message)

    def topics(self) -> list[str]:
        """Every topic subscribed to: mapped ones, and the DBIRTH of Sparkplug devices (metric aliases)."""
        found = set(self.json_tags) | {topic for topic, _ in self.metric_tags} | set(self.alarm_topics)
        for topic in list(found):
            if topic.startswith("spBv1.0/"):
                found.add(SparkplugTopic.parse(topic).with_type("DBIRTH"))
        return sorted(found)

    # -- paho callbacks (network thread) -------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            self._complain_once(f"refused:{reason}", f"MQTT broker {self.where} refused the connection: {reason}")
            return
        with self._lock:
            self._generation += 1
        client.subscribe([(topic, _QOS) for topic in self.topics()])
        self.connected.set()
        self._complaints = {c for c in self._complaints if not c.startswith(("unreachable", "refused"))}
        again = "reconnected to" if self._was_connected else "connected to"
        self.report(f"MQTT {again} {self.where}: {len(self.topics())} topic(s) / 已连接MQTT代理")
        if self._was_connected and not flags.session_present:
            self.report(
                f"MQTT broker {self.where} kept no session for {self.source.client_id!r}: messages published "
                "while Andon was away are lost (enable persistence on the broker) "
                "/ 代理未保留会话，离线期间的消息已丢失"
            )
        self._was_connected = True

    def _on_connect_fail(self, client: mqtt.Client, userdata: Any) -> None:
        self._complain_once(
            "unreachable", f"MQTT broker {self.where} unreachable; retrying / 无法连接MQTT代理，正在重试"
        )

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if self.connected.is_set() and not self._stopping:
            self.report(
                f"MQTT broker {self.where} dropped the connection ({disconnect_reason(reason)}); reconnecting "
                "/ 连接断开，正在重连"
            )
        self.connected.clear()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        samples: list[Sample] = []
        alarms: list[AlarmEvent] = []
        try:
            self._read(message.topic, bytes(message.payload), samples, alarms)
        except (PayloadError, SparkplugError) as exc:
            self.rejected += 1
            self._complain_once(f"bad:{message.topic}", f"MQTT {message.topic}: malformed payload skipped ({exc})")
        with self._lock:
            self._pending.samples.extend(samples)
            self._pending.alarms.extend(alarms)
            if message.qos > 0:
                self._pending.acks.append((self._generation, message.mid))

    # -- decoding -----------------------------------------------------------------------------------

    def _read(self, topic: str, payload: bytes, samples: list[Sample], alarms: list[AlarmEvent]) -> None:
        if topic in self.json_tags:
            data = _json(payload)
            value = data.get("value")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise PayloadError(f"value {value!r} is not a number")
            moment = _moment(data.get("ts", data.get("timestamp")), self.zone)
            samples.append(Sample(self.json_tags[topic], moment, float(value), "mqtt", topic))
        alarm_source = self.alarm_topics.get(topic)
        if alarm_source is not None and alarm_source.format == "json":
            data = _json(payload)
            if not isinstance(data.get("code"), str) or not isinstance(data.get("active"), bool):
                raise PayloadError('an alarm needs "code" (text) and "active" (true/false)')
            raised = data.get("raised_at")
            alarms.append(
                AlarmEvent(
                    equipment=alarm_source.equipment,
                    code=data["code"],
                    at=_moment(data.get("ts"), self.zone),
                    active=data["active"],
                    source_kind="mqtt",
                    source=topic,
                    raised_at=_moment(raised, self.zone) if raised is not None else None,
                )
            )
        if topic.startswith("spBv1.0/"):
            self._sparkplug(topic, decode(payload), samples, alarms)

    def _sparkplug(
        self, topic: str, payload: SparkplugPayload, samples: list[Sample], alarms: list[AlarmEvent]
    ) -> None:
        parsed = SparkplugTopic.parse(topic)
        data_topic = parsed.with_type("DDATA")
        if parsed.message_type == "DBIRTH":
            self.births[data_topic] = {m.alias: m.name for m in payload.metrics if m.alias is not None and m.name}
            return
        aliases = self.births.get(data_topic, {})
        alarm_source = self.alarm_topics.get(topic)
        for metric in payload.metrics:
            name = metric.name or (aliases.get(metric.alias) if metric.alias is not None else None)
            stamp = metric.timestamp_ms if metric.timestamp_ms is not None else payload.timestamp_ms
            if name is None or stamp is None:
                raise PayloadError("a metric without name (or known alias) or timestamp")
            moment = _moment(stamp, self.zone)
            tag = self.metric_tags.get((topic, name))
            if tag is not None:
                if isinstance(metric.value, bool) or not isinstance(metric.value, int | float):
                    raise PayloadError(f"metric {name} is not a number ({metric.value!r})")
                samples.append(Sample(tag, moment, float(metric.value), "mqtt", f"{topic}#{name}"))
            elif alarm_source is not None and name.startswith(_ALARM_METRIC) and isinstance(metric.value, bool):
                code = name.removeprefix(_ALARM_METRIC)
                alarms.append(AlarmEvent(alarm_source.equipment, code, moment, metric.value, "mqtt", f"{topic}#{name}"))

    # -- storing ------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Store what arrived, then acknowledge it (only messages of the current connection)."""
        with self._lock:
            pending, self._pending = self._pending, _Pending()
            generation = self._generation
        if pending.samples or pending.alarms:
            try:
                written = self.store.write(pending.samples, pending.alarms)
            except BaseException:
                self._keep(pending)
                raise
            self.stored_samples += written.samples_new
            for problem in written.rejected[:3]:
                self._complain_once(problem, f"MQTT: {problem}")
        for message_generation, mid in pending.acks:
            # A message id of an earlier connection means nothing now: the broker redelivers that message.
            if message_generation == generation:
                self.client.ack(mid, _QOS)

    def _flush_reporting(self) -> None:
        try:
            self.flush()
        except Exception as exc:  # a database hiccup must not end ingestion: the batch is written next time
            reason = " ".join(str(exc).split())[:160] or type(exc).__name__
            self._complain_once("db", f"MQTT ingest could not store a batch, retrying: {reason} / 写入失败，重试中")
        else:
            if "db" in self._complaints:
                self._complaints.discard("db")
                self.report("MQTT ingest stores again / 已恢复写入")

    def _keep(self, batch: _Pending) -> None:
        """Put a batch that could not be stored back in front of what arrived since."""
        with self._lock:
            self._pending = _Pending(
                samples=batch.samples + self._pending.samples,
                alarms=batch.alarms + self._pending.alarms,
                acks=batch.acks + self._pending.acks,
            )

    def run(self, stop: threading.Event) -> None:
        """Ingest until `stop` is set; reconnects by itself, reports each change of state in one line."""
        self.client.connect_async(self.source.host, self.source.port, keepalive=self.source.keepalive_s)
        self.client.loop_start()
        try:
            while not stop.wait(_FLUSH_S):
                self._flush_reporting()
            self._flush_reporting()  # what is still unstored then stays unacknowledged: the broker keeps it
        finally:
            self._stopping = True
            self.client.disconnect()
            self.client.loop_stop()
