"""Sparkplug B payloads (spBv1.0): decoding and encoding with protobuf and the published schema.

No Sparkplug B library on PyPI works beside paho-mqtt 2 and protobuf 7 (the maintained ones pin
paho-mqtt < 2 or protobuf < 5), so Andon decodes with `sparkplug_b_pb2`, generated from the Eclipse
Tahu `sparkplug_b.proto` shipped beside this module (EPL-2.0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from google.protobuf.message import DecodeError

from connectors.mqtt import sparkplug_b_pb2 as pb

__all__ = ["DataType", "SparkplugError", "SparkplugMetric", "SparkplugPayload", "SparkplugTopic", "decode", "encode"]

NAMESPACE = "spBv1.0"


class DataType:
    """Sparkplug B metric data types used here (the enum of sparkplug_b.proto)."""

    INT8, INT16, INT32, INT64 = 1, 2, 3, 4
    UINT8, UINT16, UINT32, UINT64 = 5, 6, 7, 8
    FLOAT, DOUBLE, BOOLEAN, STRING = 9, 10, 11, 12
    DATETIME, TEXT = 13, 14


class SparkplugError(ValueError):
    """A payload or topic that is not valid Sparkplug B."""


@dataclass(frozen=True)
class SparkplugTopic:
    """spBv1.0/<group>/<message type>/<edge node>[/<device>]"""

    group: str
    message_type: str
    edge_node: str
    device: str | None = None

    @classmethod
    def parse(cls, topic: str) -> SparkplugTopic:
        parts = topic.split("/")
        if len(parts) not in (4, 5) or parts[0] != NAMESPACE:
            raise SparkplugError(f"not a Sparkplug B topic: {topic!r}")
        return cls(parts[1], parts[2], parts[3], parts[4] if len(parts) == 5 else None)

    def with_type(self, message_type: str) -> str:
        tail = f"/{self.device}" if self.device else ""
        return f"{NAMESPACE}/{self.group}/{message_type}/{self.edge_node}{tail}"


@dataclass(frozen=True)
class SparkplugMetric:
    name: str | None
    value: float | int | bool | str | None
    datatype: int = DataType.DOUBLE
    timestamp_ms: int | None = None
    alias: int | None = None


@dataclass(frozen=True)
class SparkplugPayload:
    timestamp_ms: int | None
    seq: int | None
    metrics: tuple[SparkplugMetric, ...]


_SIGNED_IN_UINT32 = {DataType.INT8, DataType.INT16, DataType.INT32}


def _value(metric: pb.Payload.Metric) -> float | int | bool | str | None:
    if metric.is_null:
        return None
    kind = metric.WhichOneof("value")
    if kind is None:
        return None
    value = getattr(metric, kind)
    if kind == "int_value" and metric.datatype in _SIGNED_IN_UINT32 and value >= 2**31:
        value -= 2**32  # signed types travel sign-extended, as two's complement, in a uint32
    if kind == "long_value" and metric.datatype == DataType.INT64 and value >= 2**63:
        value -= 2**64
    if kind in {"int_value", "long_value", "float_value", "double_value", "boolean_value", "string_value"}:
        return value  # type: ignore[no-any-return]
    return None  # datasets, templates, bytes: not sensor values


def decode(raw: bytes) -> SparkplugPayload:
    """Decode a Sparkplug B payload; raises SparkplugError for anything that is not one."""
    payload = pb.Payload()
    try:
        payload.ParseFromString(raw)
    except (DecodeError, RuntimeWarning, ValueError) as exc:
        raise SparkplugError(f"not a Sparkplug B payload ({exc})") from None
    metrics = tuple(
        SparkplugMetric(
            name=m.name if m.HasField("name") else None,
            value=_value(m),
            datatype=m.datatype,
            timestamp_ms=m.timestamp if m.HasField("timestamp") else None,
            alias=m.alias if m.HasField("alias") else None,
        )
        for m in payload.metrics
    )
    return SparkplugPayload(
        timestamp_ms=payload.timestamp if payload.HasField("timestamp") else None,
        seq=payload.seq if payload.HasField("seq") else None,
        metrics=metrics,
    )


def encode(metrics: Sequence[SparkplugMetric], *, timestamp_ms: int, seq: int | None = None) -> bytes:
    """Encode metrics (Double, Boolean, Int64 or String values) into a Sparkplug B payload."""
    payload = pb.Payload(timestamp=timestamp_ms)
    if seq is not None:
        payload.seq = seq
    for metric in metrics:
        item = payload.metrics.add()
        if metric.name is not None:
            item.name = metric.name
        if metric.alias is not None:
            item.alias = metric.alias
        item.datatype = metric.datatype
        item.timestamp = metric.timestamp_ms if metric.timestamp_ms is not None else timestamp_ms
        if metric.value is None:
            item.is_null = True
        elif metric.datatype == DataType.BOOLEAN:
            item.boolean_value = bool(metric.value)
        elif metric.datatype == DataType.DOUBLE:
            item.double_value = float(metric.value)
        elif metric.datatype == DataType.FLOAT:
            item.float_value = float(metric.value)
        elif metric.datatype in (DataType.INT64, DataType.UINT64, DataType.DATETIME):
            item.long_value = int(metric.value)
        elif metric.datatype == DataType.STRING:
            item.string_value = str(metric.value)
        else:
            item.int_value = int(metric.value) & 0xFFFFFFFF
    return payload.SerializeToString()
