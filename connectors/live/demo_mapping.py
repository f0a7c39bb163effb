"""The mapping of the simulated demo plant: what `andon sim mapping` writes and `andon demo --live` uses."""

from __future__ import annotations

from connectors.live.mapping import LiveMapping, parse_mapping
from connectors.live.simulation import SimulatedTag

__all__ = ["demo_mapping"]


def demo_mapping(
    tags: list[SimulatedTag],
    *,
    opcua_endpoint: str | None,
    opcua_lines: set[str] | None,
    mqtt_port: int | None = None,
    mqtt_lines: set[str] | None = None,
    mqtt_format: str = "sparkplug",
    site: str = "SZ1",
    writes_enabled: bool = False,
) -> LiveMapping:
    """OPC UA nodes for the machines of `opcua_lines`, MQTT topics for those of `mqtt_lines` (None = all)."""
    from connectors.mqtt.publisher import json_alarm_topic, json_topic, sparkplug_topic

    raw: dict[str, object] = {"timezone": "Asia/Shanghai"}
    served = [t for t in tags if opcua_lines is None or t.line in opcua_lines]
    if opcua_endpoint is not None:
        machines = sorted({t.equipment for t in served})
        raw["opcua"] = {
            "endpoint": opcua_endpoint,
            "tags": [{"tag": t.code, "node": f"ns=2;s={t.code}"} for t in served],
            "alarms": [{"equipment": m, "node": f"ns=2;s={m}"} for m in machines],
            "writes_enabled": writes_enabled,
            "setpoints": [
                item
                for m in machines
                if m.startswith("CNC-")
                for item in (
                    {
                        "name": f"{m}.SPEED_SP",
                        "equipment": m,
                        "node": f"ns=2;s={m}.SPEED_SP",
                        "unit": "rpm",
                        "low": 2000,
                        "high": 12000,
                    },
                    {
                        "name": f"{m}.DOOR_INTERLOCK",
                        "equipment": m,
                        "node": f"ns=2;s={m}.DOOR_INTERLOCK",
                        "kind": "interlock",
                    },
                )
            ],
        }
    if mqtt_port is not None:
        published = [t for t in tags if mqtt_lines is None or t.line in mqtt_lines]
        machines_at = sorted({(t.line, t.equipment) for t in published})
        if mqtt_format == "sparkplug":
            mqtt_tags = [
                {"tag": t.code, "topic": sparkplug_topic(site, t.line, t.equipment), "metric": t.suffix}
                for t in published
            ]
            alarms = [
                {"equipment": m, "topic": sparkplug_topic(site, line, m), "format": "sparkplug"}
                for line, m in machines_at
            ]
        else:
            mqtt_tags = [{"tag": t.code, "topic": json_topic(site, t.line, t.equipment, t.suffix)} for t in published]
            alarms = [
                {"equipment": m, "topic": json_alarm_topic(site, line, m), "format": "json"} for line, m in machines_at
            ]
        raw["mqtt"] = {"host": "127.0.0.1", "port": mqtt_port, "tags": mqtt_tags, "alarms": alarms}
    return parse_mapping(raw, "demo mapping")
