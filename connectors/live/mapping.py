"""The live-data mapping file: which OPC UA nodes and MQTT topics feed which Andon tags and machines.

    timezone: Asia/Shanghai              # of the plant-local times in the database (default: the site's)
    opcua:
      endpoint: opc.tcp://127.0.0.1:4840/andon/
      tags:      [{tag: CNC-03.VIB, node: "ns=2;s=CNC-03.VIB"}]
      alarms:    [{equipment: CNC-03, node: "ns=2;s=CNC-03"}]          # event notifiers
      writes_enabled: false                                            # setpoint proposals off by default
      setpoints: [{name: CNC-03.SPEED_SP, equipment: CNC-03, node: "ns=2;s=CNC-03.SPEED_SP",
                   unit: rpm, low: 2000, high: 12000},
                  {name: CNC-03.DOOR_INTERLOCK, equipment: CNC-03, node: "ns=2;s=CNC-03.DOOR_INTERLOCK",
                   kind: interlock}]
    mqtt:
      host: 127.0.0.1
      port: 1883
      tags:   [{tag: ROB-01.CURR, topic: spBv1.0/SZ1/DDATA/L3/ROB-01, metric: CURR},   # Sparkplug B
               {tag: PRS-01.PRES, topic: andon/SZ1/L4/PRS-01/PRES}]                   # JSON {"ts", "value"}
      alarms: [{equipment: ROB-01, topic: spBv1.0/SZ1/DDATA/L3/ROB-01, format: sparkplug}]

Errors name the file, the entry and the field in one line: `live.yaml: opcua.tags[2].node: ...`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlmodel import Session, col

from connectors.live.errors import LiveDataError, MappingError
from connectors.schema import Equipment, SensorTag, Site

__all__ = [
    "LiveMapping",
    "MqttAlarmSource",
    "MqttSource",
    "MqttTag",
    "OpcUaAlarmSource",
    "OpcUaSetpoint",
    "OpcUaSource",
    "OpcUaTag",
    "SetpointKind",
    "check_endpoint",
    "check_mapping",
    "dump_mapping",
    "load_mapping",
    "plant_timezone",
]

_NODE_ID = re.compile(r"^(?:ns=\d+;|nsu=[^;]+;)?(?:i=\d+|s=.+|g=[0-9A-Fa-f-]{36}|b=[A-Za-z0-9+/=]+)$")
_ENDPOINT = re.compile(r"^opc\.tcp://[^/\s:]+(:\d{1,5})?(/\S*)?$")
SetpointKind = Literal["setpoint", "interlock", "safety"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _node_id(value: str) -> str:
    if not _NODE_ID.match(value):
        raise ValueError(f"not an OPC UA node id: {value!r} (expected e.g. ns=2;s=CNC-03.VIB or ns=2;i=1001)")
    return value


def _topic(value: str) -> str:
    if not value or "#" in value or "+" in value or value.startswith("$") or "\x00" in value:
        raise ValueError(f"not a plain MQTT topic: {value!r} (no wildcards; e.g. andon/SZ1/L4/PRS-01/PRES)")
    return value


NodeId = Annotated[str, AfterValidator(_node_id)]
Topic = Annotated[str, AfterValidator(_topic)]


class OpcUaTag(_Strict):
    """A variable node whose value is an Andon sensor tag."""

    tag: str
    node: NodeId


class OpcUaAlarmSource(_Strict):
    """An event notifier (usually the machine's object node) whose alarm events belong to one machine."""

    equipment: str
    node: NodeId


class OpcUaSetpoint(_Strict):
    """A writable node. Only `kind: setpoint` can ever be proposed, and only within [low, high]."""

    name: str
    equipment: str
    node: NodeId
    kind: SetpointKind = "setpoint"
    unit: str = ""
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _limits(self) -> OpcUaSetpoint:
        if self.kind == "setpoint":
            if self.low is None or self.high is None:
                raise ValueError("a setpoint needs both limits, low and high")
            if self.low >= self.high:
                raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class OpcUaSource(_Strict):
    """One OPC UA server and what Andon reads from it."""

    endpoint: str
    tags: list[OpcUaTag] = Field(default_factory=list)
    alarms: list[OpcUaAlarmSource] = Field(default_factory=list)
    setpoints: list[OpcUaSetpoint] = Field(default_factory=list)
    writes_enabled: bool = False
    publishing_interval_ms: int = Field(500, ge=50, le=60_000)
    timeout_s: float = Field(5.0, gt=0, le=120)

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        if not _ENDPOINT.match(value):
            raise ValueError(f"not an OPC UA endpoint: {value!r} (expected opc.tcp://host:4840/path)")
        return value


class MqttTag(_Strict):
    """A topic (and, for Sparkplug B, a metric of its payload) whose values are an Andon sensor tag."""

    tag: str
    topic: Topic
    metric: str | None = Field(None, description="Sparkplug B metric name; without it the payload is JSON.")

    @model_validator(mode="after")
    def _sparkplug(self) -> MqttTag:
        if self.metric is not None and not self.topic.startswith("spBv1.0/"):
            raise ValueError(f"a Sparkplug B metric needs a spBv1.0/... topic, not {self.topic!r}")
        return self


class MqttAlarmSource(_Strict):
    """A topic carrying the alarms of one machine (JSON messages, or Sparkplug B `Alarm/<code>` metrics)."""

    equipment: str
    topic: Topic
    format: Literal["json", "sparkplug"] = "json"


class MqttSource(_Strict):
    """One MQTT broker and what Andon ingests from it."""

    host: str = "127.0.0.1"
    port: int = Field(1883, ge=1, le=65535)
    client_id: str = Field("andon-ingest", min_length=1, max_length=64)
    keepalive_s: int = Field(15, ge=5, le=600)
    tags: list[MqttTag] = Field(default_factory=list)
    alarms: list[MqttAlarmSource] = Field(default_factory=list)


class LiveMapping(_Strict):
    """The whole mapping file."""

    timezone: str | None = None
    opcua: OpcUaSource | None = None
    mqtt: MqttSource | None = None
    origin: str = Field("mapping", exclude=True, description="Where it was read from, for error messages.")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    def tags(self) -> Iterator[tuple[str, str]]:
        """(location in the file, tag code) of every mapped tag."""
        if self.opcua:
            yield from ((f"opcua.tags[{i}].tag", t.tag) for i, t in enumerate(self.opcua.tags))
        if self.mqtt:
            yield from ((f"mqtt.tags[{i}].tag", t.tag) for i, t in enumerate(self.mqtt.tags))

    def machines(self) -> Iterator[tuple[str, str]]:
        """(location in the file, equipment code) of every alarm source and setpoint."""
        if self.opcua:
            yield from ((f"opcua.alarms[{i}].equipment", a.equipment) for i, a in enumerate(self.opcua.alarms))
            yield from ((f"opcua.setpoints[{i}].equipment", s.equipment) for i, s in enumerate(self.opcua.setpoints))
        if self.mqtt:
            yield from ((f"mqtt.alarms[{i}].equipment", a.equipment) for i, a in enumerate(self.mqtt.alarms))

    def setpoint(self, name: str) -> OpcUaSetpoint | None:
        """The writable node of that name (case-insensitive), if mapped."""
        for item in self.opcua.setpoints if self.opcua else []:
            if item.name.lower() == name.strip().lower():
                return item
        return None


def _where(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "mapping"


def parse_mapping(raw: Any, origin: str) -> LiveMapping:
    """Validate an already-parsed mapping document; raises MappingError naming entry and field."""
    if not isinstance(raw, dict):
        raise MappingError(f"{origin}: expected a mapping with opcua: and/or mqtt: sections")
    try:
        mapping = LiveMapping.model_validate({**raw, "origin": origin})
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        raise MappingError(f"{origin}: {_where(first['loc'])}: {message}") from None
    if mapping.opcua is None and mapping.mqtt is None:
        raise MappingError(f"{origin}: neither an opcua: nor an mqtt: section")
    seen: dict[str, str] = {}
    for where, tag in mapping.tags():
        if tag in seen:
            raise MappingError(f"{origin}: {where}: tag {tag!r} is already mapped at {seen[tag]}")
        seen[tag] = where
    return mapping


def load_mapping(path: Path) -> LiveMapping:
    """Read and validate a mapping file; raises MappingError with one line naming file, entry and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "?"
        raise MappingError(f"{path.name}: not valid YAML ({where}: {getattr(exc, 'problem', exc)})") from None
    return parse_mapping(raw, path.name)


def check_endpoint(endpoint: str) -> str:
    """An OPC UA endpoint URL as typed on a command line; raises LiveDataError with one line if it is not one."""
    if not _ENDPOINT.match(endpoint):
        raise LiveDataError(f"not an OPC UA endpoint: {endpoint!r} (expected opc.tcp://host:4840/path)")
    return endpoint


def check_mapping(mapping: LiveMapping, session: Session) -> None:
    """Every mapped tag and machine exists in the plant database; raises MappingError on the first that does not."""
    tags = set(session.execute(select(col(SensorTag.code))).scalars())
    machines = set(session.execute(select(col(Equipment.code))).scalars())
    for where, tag in mapping.tags():
        if tag not in tags:
            raise MappingError(
                f"{mapping.origin}: {where}: unknown sensor tag {tag!r} (see andon tools describe sensor_trend)"
            )
    for where, code in mapping.machines():
        if code not in machines:
            raise MappingError(f"{mapping.origin}: {where}: unknown equipment {code!r}")


def plant_timezone(mapping: LiveMapping, session: Session) -> ZoneInfo:
    """The zone of plant-local times: the mapping's, else the site's, else UTC."""
    name = mapping.timezone or session.execute(select(col(Site.timezone))).scalars().first() or "UTC"
    return ZoneInfo(name)


def dump_mapping(mapping: LiveMapping) -> str:
    """The mapping as YAML (what `andon sim mapping` writes)."""
    data = mapping.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
