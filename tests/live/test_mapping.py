"""The mapping file: one line naming file, entry and field for each kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from connectors.live.errors import MappingError
from connectors.live.mapping import check_mapping, load_mapping, parse_mapping

GOOD = """
opcua:
  endpoint: opc.tcp://127.0.0.1:4840/andon/
  tags:
    - {tag: CNC-03.VIB, node: "ns=2;s=CNC-03.VIB"}
  setpoints:
    - {name: CNC-03.SPEED_SP, equipment: CNC-03, node: "ns=2;s=CNC-03.SPEED_SP", unit: rpm, low: 2000, high: 12000}
mqtt:
  port: 1884
  tags:
    - {tag: ROB-01.CURR, topic: spBv1.0/SZ1/DDATA/L3/ROB-01, metric: CURR}
"""


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "live.yaml"
    path.write_text(GOOD, encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.opcua is not None
    assert mapping.opcua.tags[0].node == "ns=2;s=CNC-03.VIB"
    assert mapping.mqtt is not None
    assert mapping.mqtt.port == 1884
    assert mapping.mqtt.tags[0].metric == "CURR"
    assert mapping.setpoint("cnc-03.speed_sp") is not None
    assert mapping.opcua.writes_enabled is False  # read-only unless asked


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"opcua": {"endpoint": "http://x", "tags": []}}, "live.yaml: opcua.endpoint: not an OPC UA endpoint"),
        (
            {"opcua": {"endpoint": "opc.tcp://h:4840", "tags": [{"tag": "A", "node": "ns=2;q=1"}]}},
            "live.yaml: opcua.tags[0].node: not an OPC UA node id",
        ),
        (
            {"mqtt": {"tags": [{"tag": "A", "topic": "plant/#"}]}},
            "live.yaml: mqtt.tags[0].topic: not a plain MQTT topic",
        ),
        (
            {"mqtt": {"tags": [{"tag": "A", "topic": "a/b", "colour": 1}]}},
            "live.yaml: mqtt.tags[0].colour: unknown field",
        ),
        (
            {
                "opcua": {
                    "endpoint": "opc.tcp://h:1",
                    "setpoints": [{"name": "a", "equipment": "b", "node": "ns=2;s=a"}],
                }
            },
            "live.yaml: opcua.setpoints[0]: a setpoint needs both limits",
        ),
        (
            {"mqtt": {"tags": [{"tag": "A", "topic": "a/b"}, {"tag": "A", "topic": "a/c"}]}},
            "live.yaml: mqtt.tags[1].tag: tag 'A' is already mapped at mqtt.tags[0].tag",
        ),
        ({"timezone": "Mars/Olympus", "mqtt": {}}, "live.yaml: timezone: unknown time zone"),
        ([1, 2], "live.yaml: expected a mapping"),
    ],
)
def test_bad_entries_are_one_line_naming_the_entry(raw: object, message: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_mapping(raw, "live.yaml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "live.yaml"
    path.write_text("opcua:\n  endpoint: [unclosed\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"^live\.yaml: not valid YAML \(line \d+"):
        load_mapping(path)


def test_tags_and_machines_must_exist_in_the_plant(plant_session: Session) -> None:
    unknown_tag = parse_mapping({"mqtt": {"tags": [{"tag": "CNC-09.VIB", "topic": "a/b"}]}}, "live.yaml")
    with pytest.raises(MappingError, match=r"^live\.yaml: mqtt\.tags\[0\]\.tag: unknown sensor tag 'CNC-09\.VIB'"):
        check_mapping(unknown_tag, plant_session)
    unknown_machine = parse_mapping({"mqtt": {"alarms": [{"equipment": "XYZ-1", "topic": "a/b"}]}}, "live.yaml")
    with pytest.raises(MappingError, match=r"mqtt\.alarms\[0\]\.equipment: unknown equipment 'XYZ-1'"):
        check_mapping(unknown_machine, plant_session)
