"""`andon sim opcua`: the demo plant's machines as an OPC UA server (asyncua), with live values.

Address space (namespace `urn:andon:demo-plant`, index 2):

    Objects/SZ1/<line>/<machine>            object, event notifier of its alarms (AndonAlarmEventType)
    Objects/SZ1/<line>/<machine>/<signal>   Double, node id ns=2;s=<tag code>, e.g. ns=2;s=CNC-03.VIB
    Objects/SZ1/<line>/CNC-0x/SPEED_SP      spindle speed setpoint (rpm), writable
    Objects/SZ1/<line>/CNC-0x/DOOR_INTERLOCK  door interlock (Boolean): writable on the server, never by Andon

Values and alarms come from `PlantSimulation`; every variable and machine serves history (raw
values and alarm events) for the whole live period, as a machine with a historian would.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from asyncua import ua
from asyncua.common.events import Event
from asyncua.common.node import Node
from asyncua.server.event_generator import EventGenerator
from asyncua.server.history import HistoryStorageInterface
from asyncua.server.server import Server
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.object_ids import ObjectIds

from connectors.demo.catalog import ALARM_CODES
from connectors.live.simulation import PlantSimulation, SimClock, SimulatedAlarm
from connectors.live.timebase import to_plant_time, to_utc

__all__ = ["ALARM_EVENT_TYPE", "NAMESPACE_URI", "OpcUaSimulator", "setpoint_nodes"]

_log = logging.getLogger(__name__)

NAMESPACE_URI = "urn:andon:demo-plant"
ALARM_EVENT_TYPE = "AndonAlarmEventType"
_SEVERITY = {"fault": 800, "warning": 500, "info": 200}
_ALARMS = {a.code: a for a in ALARM_CODES}
#: Writable nodes of every CNC machine: (suffix, initial value, variant type).
_CNC_WRITABLE = (("SPEED_SP", 8000.0, ua.VariantType.Double), ("DOOR_INTERLOCK", True, ua.VariantType.Boolean))


def _node_id(identifier: str, namespace: int) -> ua.NodeId:
    return ua.NodeId(ua.String(identifier), ua.Int16(namespace))


def setpoint_nodes(equipment: str) -> list[tuple[str, str]]:
    """(name, node id) of the writable nodes the simulator serves on a CNC machine."""
    return [(f"{equipment}.{suffix}", f"ns=2;s={equipment}.{suffix}") for suffix, _, _ in _CNC_WRITABLE]


@dataclass
class _Served:
    """What the simulator serves: node ids to tags and machines to their event generators."""

    tags: dict[ua.NodeId, str] = field(default_factory=dict)
    variables: dict[str, Node] = field(default_factory=dict)
    machines: dict[ua.NodeId, str] = field(default_factory=dict)
    generators: dict[str, EventGenerator] = field(default_factory=dict)


class _SimulatedHistory(HistoryStorageInterface):
    """History computed from the simulation: values on its grid and alarm events, up to plant 'now'."""

    def __init__(self, simulator: OpcUaSimulator) -> None:
        super().__init__(max_history_data_response_size=10_000)
        self.sim = simulator

    async def init(self) -> None:
        return None

    async def new_historized_node(self, node_id: ua.NodeId, period: timedelta | None, count: int = 0) -> None:
        return None

    async def save_node_value(self, node_id: ua.NodeId, datavalue: ua.DataValue) -> None:
        return None  # every value is a function of its time: nothing to keep

    def _range(self, start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
        epoch = ua.get_win_epoch()
        now = self.sim.clock.now()
        since = self.sim.simulation.start if start in (None, epoch) else to_plant_time(start, self.sim.zone)  # type: ignore[arg-type]
        until = now if end in (None, epoch) else min(now, to_plant_time(end, self.sim.zone))  # type: ignore[arg-type]
        return since, until

    async def read_node_history(
        self, node_id: ua.NodeId, start: datetime | None, end: datetime | None, nb_values: int
    ) -> tuple[list[ua.DataValue], datetime | None]:
        tag = self.sim.served.tags.get(node_id)
        if tag is None:
            return [], None
        since, until = self._range(start, end)
        moments = self.sim.simulation.grid(since, until)
        if nb_values:
            moments = moments[:nb_values]
        more = None
        if len(moments) > self.max_history_data_response_size:
            more = to_utc(moments[self.max_history_data_response_size], self.sim.zone)
            moments = moments[: self.max_history_data_response_size]
        sim = self.sim.simulation
        return [self.sim.data_value(tag, sim.index(moment)) for moment in moments], more

    async def new_historized_event(
        self, source_id: ua.NodeId, evtypes: list[Node], period: timedelta | None, count: int = 0
    ) -> None:
        return None

    async def save_event(self, event: Event) -> None:
        return None

    async def read_event_history(
        self, source_id: ua.NodeId, start: datetime | None, end: datetime | None, nb_values: int, evfilter: Any
    ) -> tuple[list[Event], datetime | None]:
        machine = self.sim.served.machines.get(source_id)
        if machine is None:
            return [], None
        since, until = self._range(start, end)
        events = [
            self.sim.alarm_event(alarm, active)
            for alarm, active, at in self.sim.transitions(self.sim.simulation.start, until)
            if alarm.equipment == machine and since <= at <= until
        ]
        return (events[:nb_values] if nb_values else events), None

    async def stop(self) -> None:
        return None


class OpcUaSimulator:
    """An asyncua server over a `PlantSimulation`, ticking every `interval` wall seconds."""

    def __init__(
        self,
        simulation: PlantSimulation,
        clock: SimClock,
        *,
        endpoint: str,
        zone: ZoneInfo,
        lines: set[str] | None = None,
        interval: float = 1.0,
    ) -> None:
        self.simulation = simulation
        self.clock = clock
        self.endpoint = endpoint
        self.zone = zone
        self.lines = lines
        self.interval = interval
        self.served = _Served()
        self.server = Server()
        self._written = -1
        self._alarms_until = simulation.start - timedelta(seconds=1)

    def data_value(self, tag: str, index: int) -> ua.DataValue:
        moment = to_utc(self.simulation.moment(index), self.zone)
        return ua.DataValue(
            ua.Variant(self.simulation.value(tag, index), ua.VariantType.Double),
            SourceTimestamp=cast(ua.DateTime, moment),  # asyncua's DateTime is a datetime under another name
            ServerTimestamp=cast(ua.DateTime, datetime.now(UTC)),
        )

    def transitions(self, since: datetime, until: datetime) -> list[tuple[SimulatedAlarm, bool, datetime]]:
        """(alarm, raised?, when) of every raise and clear in (since, until], in time order."""
        out: list[tuple[SimulatedAlarm, bool, datetime]] = []
        for alarm in self.simulation.alarms(until):
            if self.lines is not None and alarm.line not in self.lines:
                continue
            if since < alarm.raised_at <= until:
                out.append((alarm, True, alarm.raised_at))
            if alarm.cleared_at is not None and since < alarm.cleared_at <= until:
                out.append((alarm, False, alarm.cleared_at))
        return sorted(out, key=lambda item: (item[2], item[0].equipment, not item[1]))

    def alarm_fields(self, alarm: SimulatedAlarm, active: bool) -> dict[str, Any]:
        """The fields of the alarm event of a raise or a clear (standard BaseEventType ones and Andon's)."""
        spec = _ALARMS.get(alarm.code)
        text = spec.text_en if spec else alarm.code
        at = alarm.raised_at if active else alarm.cleared_at
        assert at is not None
        moment = to_utc(at, self.zone)
        return {
            "EventId": uuid.uuid5(uuid.NAMESPACE_URL, f"{alarm.equipment}/{alarm.code}/{at}/{active}").hex.encode(),
            "Time": moment,
            "ReceiveTime": moment,
            "Message": ua.LocalizedText(f"{alarm.code} {text}" + ("" if active else " (cleared)")),
            "Severity": _SEVERITY.get(spec.severity if spec else "warning", 500),
            "SourceName": alarm.equipment,
            "AlarmCode": alarm.code,
            "Active": active,
            "RaisedAt": to_utc(alarm.raised_at, self.zone),
        }

    def alarm_event(self, alarm: SimulatedAlarm, active: bool) -> Event:
        """The alarm event of a raise or a clear, as a history read delivers it."""
        event: Event = copy.deepcopy(self.served.generators[alarm.equipment].event)
        for name, value in self.alarm_fields(alarm, active).items():
            setattr(event, name, value)
        return event

    async def _build(self) -> None:
        server = self.server
        await server.init()
        server.set_endpoint(self.endpoint)
        server.set_server_name("Andon demo plant (simulated) / 演示工厂（仿真）")
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        idx = await server.register_namespace(NAMESPACE_URI)
        event_type = await server.create_custom_event_type(
            idx,
            ALARM_EVENT_TYPE,
            ObjectIds.BaseEventType,
            [
                ("AlarmCode", ua.VariantType.String),
                ("Active", ua.VariantType.Boolean),
                ("RaisedAt", ua.VariantType.DateTime),
            ],
        )
        site = await server.nodes.objects.add_folder(_node_id("SZ1", idx), ua.QualifiedName("SZ1", idx))
        lines: dict[str, Node] = {}
        machines: dict[str, Node] = {}
        for tag in self.simulation.tags:
            if self.lines is not None and tag.line not in self.lines:
                continue
            if tag.line not in lines:
                lines[tag.line] = await site.add_folder(_node_id(tag.line, idx), ua.QualifiedName(tag.line, idx))
            if tag.equipment not in machines:
                machines[tag.equipment] = await self._machine(lines[tag.line], tag.equipment, idx, event_type)
            node = await machines[tag.equipment].add_variable(
                _node_id(tag.code, idx), ua.QualifiedName(tag.suffix, idx), 0.0, varianttype=ua.VariantType.Double
            )
            await node.set_attr_bit(AttributeIds.AccessLevel, ua.AccessLevel.HistoryRead)
            await node.write_attribute(AttributeIds.Historizing, ua.DataValue(ua.Variant(True, ua.VariantType.Boolean)))
            self.served.tags[node.nodeid] = tag.code
            self.served.variables[tag.code] = node
        server.iserver.history_manager.set_storage(_SimulatedHistory(self))

    async def _machine(self, line: Node, code: str, idx: int, event_type: Node) -> Node:
        machine = await line.add_object(_node_id(code, idx), ua.QualifiedName(code, idx))
        await machine.set_event_notifier([ua.EventNotifier.SubscribeToEvents, ua.EventNotifier.HistoryRead])
        self.served.machines[machine.nodeid] = code
        self.served.generators[code] = await self.server.get_event_generator(event_type, machine.nodeid)
        if code.startswith("CNC-"):
            for suffix, initial, kind in _CNC_WRITABLE:
                node = await machine.add_variable(
                    _node_id(f"{code}.{suffix}", idx), ua.QualifiedName(suffix, idx), initial, varianttype=kind
                )
                await node.set_writable()
        return machine

    async def _tick(self) -> None:
        now = self.clock.now()
        last = self.simulation.index(now)
        # Every grid point since the last tick, in order, so subscribers with a queue miss none.
        first = max(self._written + 1, last - 600, 0)
        for index in range(first, last + 1):
            for code, node in self.served.variables.items():
                await self.server.write_attribute_value(node.nodeid, self.data_value(code, index))
        self._written = max(self._written, last)
        for alarm, active, _ in self.transitions(self._alarms_until, now):
            generator = self.served.generators.get(alarm.equipment)
            if generator is None:
                continue
            fields = self.alarm_fields(alarm, active)
            moment = fields.pop("Time")
            for name in ("Message", "Severity", "SourceName", "AlarmCode", "Active", "RaisedAt"):
                setattr(generator.event, name, fields[name])
            await generator.trigger(time_attr=moment)
        self._alarms_until = now

    async def run(self, stop: asyncio.Event, ready: Callable[[], Awaitable[None] | None] | None = None) -> None:
        """Serve until `stop` is set; `ready` is called once the endpoint accepts connections."""
        await self._build()
        # Alarms raised before the server started are in its event history, not re-sent live.
        self._alarms_until = max(self.simulation.start, self.clock.now()) - timedelta(microseconds=1)
        async with self.server:
            await self._tick()
            if ready is not None:
                result = ready()
                if asyncio.iscoroutine(result):
                    await result
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), timeout=self.interval)
                except TimeoutError:
                    await self._tick()
