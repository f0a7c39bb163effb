"""The OPC UA connector (asyncua client): browse, read, backfill history, subscribe to values and alarms.

`OpcUaConnector.run` keeps one session to the server and writes what it receives into the plant
database through `LiveStore`. On every (re)connection it first subscribes, then reads the history of
every mapped tag and alarm source from the newest stored moment on, so nothing is lost while the
connection was down and nothing is stored twice (the store skips known (tag, timestamp) pairs).
Problems are reported as one line each through `report`; the connector keeps retrying with backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from math import inf
from typing import Any
from zoneinfo import ZoneInfo

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.node import Node
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.object_ids import ObjectIds
from asyncua.ua.uaerrors import UaError, UaStatusCodeError

from connectors.live.errors import SetpointRefusedError, SourceUnavailableError
from connectors.live.mapping import OpcUaSetpoint, OpcUaSource
from connectors.live.store import AlarmEvent, LiveStore, Sample
from connectors.live.timebase import to_plant_time, to_utc

__all__ = ["BrowsedNode", "OpcUaConnector", "browse_server", "read_node_values", "write_setpoint"]

_log = logging.getLogger(__name__)
_ALARM_EVENT_TYPE = "AndonAlarmEventType"
_FLUSH_S = 0.5
_QUEUE = 1000
#: Client handles of value items, apart from those asyncua numbers itself for event items (from 201 up).
_VALUE_HANDLES = 1_000_000


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "no answer (timed out)"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


_SOURCE_ERRORS: tuple[type[BaseException], ...] = (OSError, TimeoutError, ConnectionError, UaError)


@dataclass
class _Buffer:
    samples: list[Sample] = field(default_factory=list)
    alarms: list[AlarmEvent] = field(default_factory=list)


class _Handler:
    """asyncua subscription callbacks: collect samples and alarm events for the next flush."""

    def __init__(self, connector: OpcUaConnector) -> None:
        self.connector = connector
        self.lost = asyncio.Event()

    def datachange_notification(self, node: Node, val: Any, data: Any) -> None:
        value = data.monitored_item.Value
        self.connector.take_value(node.nodeid.to_string(), value)

    def event_notification(self, event: Any) -> None:
        self.connector.take_event(event)

    def status_change_notification(self, status: Any) -> None:
        self.lost.set()


class OpcUaConnector:
    """Ingests the mapped tags and alarm sources of one OPC UA server into the plant database."""

    def __init__(
        self,
        source: OpcUaSource,
        store: LiveStore,
        zone: ZoneInfo,
        *,
        report: Callable[[str], None] = _log.warning,
        max_backoff_s: float = 10.0,
    ) -> None:
        self.source = source
        self.store = store
        self.zone = zone
        self.report = report
        self.max_backoff_s = max_backoff_s
        self.tag_of = {item.node: item.tag for item in source.tags}
        self.machine_of = {item.node: item.equipment for item in source.alarms}
        self._buffer = _Buffer()
        self._complaints: set[str] = set()
        self._last_reason = ""
        self.connected = asyncio.Event()
        self.stored_samples = 0
        self.stored_alarm_events = 0

    # -- callbacks --------------------------------------------------------------------------------

    def _complain_once(self, key: str, message: str) -> None:
        if key not in self._complaints:
            self._complaints.add(key)
            self.report(message)

    def take_value(self, node_id: str, value: ua.DataValue) -> None:
        tag = self.tag_of.get(node_id)
        raw = value.Value.Value if value.Value is not None else None
        if tag is None:
            return
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self._complain_once(f"type:{node_id}", f"OPC UA {node_id} ({tag}): not a number ({raw!r}), skipped")
            return
        if value.StatusCode is not None and not value.StatusCode.is_good():
            self._complain_once(f"bad:{node_id}", f"OPC UA {node_id} ({tag}): bad quality {value.StatusCode.name}")
            return
        moment = value.SourceTimestamp or value.ServerTimestamp
        if moment is None:
            self._complain_once(f"ts:{node_id}", f"OPC UA {node_id} ({tag}): value without a timestamp, skipped")
            return
        self._buffer.samples.append(Sample(tag, to_plant_time(moment, self.zone), float(raw), "opcua", node_id))

    def take_event(self, event: Any, source_node: str | None = None) -> None:
        node = source_node or _event_source(event)
        machine = self.machine_of.get(node or "") or getattr(event, "SourceName", None)
        code = getattr(event, "AlarmCode", None) or getattr(event, "ConditionName", None)
        active = getattr(event, "Active", None)
        if active is None:
            active = getattr(event, "ActiveState/Id", None)
        moment = getattr(event, "Time", None)
        if not machine or not code or active is None or moment is None:
            self._complain_once(
                f"event:{node}", f"OPC UA event from {node or '?'} without alarm code, state or time, skipped"
            )
            return
        raised = getattr(event, "RaisedAt", None)
        self._buffer.alarms.append(
            AlarmEvent(
                equipment=str(machine),
                code=str(code),
                at=to_plant_time(moment, self.zone),
                active=bool(active),
                source_kind="opcua",
                source=node or str(machine),
                raised_at=to_plant_time(raised, self.zone) if raised else None,
            )
        )

    async def flush(self) -> None:
        """Write what the callbacks collected (in a worker thread: the database must not block the session)."""
        batch, self._buffer = self._buffer, _Buffer()
        if not batch.samples and not batch.alarms:
            return
        written = await asyncio.to_thread(self.store.write, batch.samples, batch.alarms)
        self.stored_samples += written.samples_new
        self.stored_alarm_events += written.alarms_raised + written.alarms_cleared
        for problem in written.rejected[:3]:
            self._complain_once(problem, f"OPC UA: {problem}")

    # -- session ------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Stay connected until `stop` is set, reconnecting with backoff; never raises for the server's faults."""
        delay = 1.0
        while not stop.is_set():
            try:
                await self._session(stop)
                delay = 1.0
            except asyncio.CancelledError:
                raise
            except _SOURCE_ERRORS as exc:
                reason = _reason(exc)
                _log.debug("OPC UA session failed", exc_info=True)
                if reason != self._last_reason:  # one line per change of state, not one per retry
                    self.report(
                        f"OPC UA server {self.source.endpoint}: {reason}; retrying every {self.max_backoff_s:.0f} s "
                        "or sooner / OPC UA服务器不可用，正在重试"
                    )
                self._last_reason = reason
            finally:
                self.connected.clear()
                await self.flush()
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                delay = min(delay * 2, self.max_backoff_s)

    async def _usable(self, client: Client, nodes: dict[str, Any]) -> list[Node]:
        found: list[Node] = []
        for node_id, what in nodes.items():
            node = client.get_node(node_id)
            try:
                await node.read_browse_name()
            except UaStatusCodeError as exc:
                self._complain_once(
                    f"node:{node_id}",
                    f"OPC UA {self.source.endpoint}: node {node_id} ({what}) {type(exc).__name__}, skipped",
                )
                continue
            found.append(node)
        return found

    async def _session(self, stop: asyncio.Event) -> None:
        client = Client(self.source.endpoint, timeout=self.source.timeout_s)
        handler = _Handler(self)

        async def lost(_exc: Exception) -> None:
            handler.lost.set()

        client.connection_lost_callback = lost
        await client.connect()
        try:
            values = await self._usable(client, self.tag_of)
            machines = await self._usable(client, self.machine_of)
            subscription = await client.create_subscription(self.source.publishing_interval_ms, handler)
            if values:
                await subscription.create_monitored_items(_value_items(values))
            event_type = await _alarm_event_type(client)
            for machine in machines:
                await subscription.subscribe_events(machine, event_type, queuesize=_QUEUE)
            await self._backfill(values, machines, event_type)
            self.connected.set()
            self._last_reason = ""
            self.report(
                f"OPC UA connected to {self.source.endpoint}: {len(values)} tag(s), {len(machines)} alarm source(s) "
                f"/ 已连接OPC UA服务器"
            )
            while not stop.is_set() and not handler.lost.is_set():
                await asyncio.sleep(_FLUSH_S)
                await self.flush()
            if handler.lost.is_set():
                raise ConnectionError("connection lost")
        finally:
            try:
                await asyncio.wait_for(client.disconnect(), timeout=2)
            except Exception:  # the connection is gone anyway; nothing to tell the user
                _log.debug("disconnect after a lost connection failed", exc_info=True)

    async def _backfill(self, values: list[Node], machines: list[Node], event_type: Node | int) -> None:
        """History from the newest stored moment of each tag (or the plant clock) up to now."""
        start = self.store.plant_clock or datetime(2000, 1, 1)
        newest = await asyncio.to_thread(
            self.store.last_sample_times, [self.tag_of[n.nodeid.to_string()] for n in values]
        )
        for node in values:
            since = newest.get(self.tag_of[node.nodeid.to_string()], start)
            try:
                history = await node.read_raw_history(to_utc(since, self.zone), None)
            except UaStatusCodeError as exc:
                self._complain_once(
                    f"hist:{node.nodeid}", f"OPC UA {node.nodeid.to_string()}: no history ({type(exc).__name__})"
                )
                continue
            for value in history:
                self.take_value(node.nodeid.to_string(), value)
            await self.flush()
        since_alarm = await asyncio.to_thread(self.store.last_alarm_time, "opcua") or start
        for machine in machines:
            try:
                events = await machine.read_event_history(to_utc(since_alarm, self.zone), None, 0, event_type)
            except UaStatusCodeError as exc:
                self._complain_once(
                    f"evhist:{machine.nodeid}",
                    f"OPC UA {machine.nodeid.to_string()}: no event history ({type(exc).__name__})",
                )
                continue
            for event in events:
                self.take_event(event, machine.nodeid.to_string())
        await self.flush()


def _value_items(nodes: list[Node]) -> list[ua.MonitoredItemCreateRequest]:
    """Monitored items that report every new sample, a repeated value with a new timestamp included.

    The default trigger (status or value changed) drops a sample equal to the one before it, which
    would leave a hole in the stored series; hence a data change filter on the source timestamp too.
    """
    items = []
    for offset, node in enumerate(nodes):
        parameters = ua.MonitoringParameters()
        parameters.ClientHandle = ua.UInt32(_VALUE_HANDLES + offset)
        parameters.SamplingInterval = ua.Duration(0)
        parameters.QueueSize = ua.UInt32(_QUEUE)
        parameters.DiscardOldest = True
        parameters.Filter = ua.DataChangeFilter(Trigger=ua.DataChangeTrigger.StatusValueTimestamp)
        item = ua.MonitoredItemCreateRequest()
        item.ItemToMonitor = ua.ReadValueId(NodeId=node.nodeid, AttributeId=ua.UInt32(AttributeIds.Value))
        item.MonitoringMode = ua.MonitoringMode.Reporting
        item.RequestedParameters = parameters
        items.append(item)
    return items


def _event_source(event: Any) -> str | None:
    node = getattr(event, "SourceNode", None)
    return node.to_string() if isinstance(node, ua.NodeId) else None


async def _alarm_event_type(client: Client) -> Node | int:
    """Andon's alarm event type if the server has it, else the standard AlarmConditionType."""
    for child in await client.nodes.base_event_type.get_children():
        if (await child.read_browse_name()).Name == _ALARM_EVENT_TYPE:
            return child
    return ObjectIds.AlarmConditionType


# -- one-off operations (CLI, approvals) -------------------------------------------------------------


@dataclass(frozen=True)
class BrowsedNode:
    """One node of a server's address space."""

    depth: int
    node_id: str
    name: str
    node_class: str
    value: Any = None


async def _connected(endpoint: str, timeout_s: float) -> Client:
    client = Client(endpoint, timeout=timeout_s)
    try:
        await client.connect()
    except _SOURCE_ERRORS as exc:
        raise SourceUnavailableError(
            f"cannot reach OPC UA server {endpoint}: {_reason(exc)} / 无法连接OPC UA服务器"
        ) from None
    return client


async def browse_server(endpoint: str, *, depth: int = 4, timeout_s: float = 5.0) -> list[BrowsedNode]:
    """The Objects folder of a server, `depth` levels down, with the values of variables."""
    client = await _connected(endpoint, timeout_s)
    found: list[BrowsedNode] = []

    async def walk(node: Node, level: int) -> None:
        for child in await node.get_children():
            name = (await child.read_browse_name()).Name
            node_class = await child.read_node_class()
            value = await child.read_value() if node_class == ua.NodeClass.Variable else None
            found.append(BrowsedNode(level, child.nodeid.to_string(), name, node_class.name, value))
            if level + 1 < depth and node_class == ua.NodeClass.Object:
                await walk(child, level + 1)

    try:
        for top in await client.nodes.objects.get_children():
            if top.nodeid.NamespaceIndex == 0:
                continue  # the server's own Server object
            name = (await top.read_browse_name()).Name
            found.append(BrowsedNode(0, top.nodeid.to_string(), name, (await top.read_node_class()).name))
            await walk(top, 1)
    finally:
        await client.disconnect()
    return found


async def read_node_values(endpoint: str, node_ids: list[str], *, timeout_s: float = 5.0) -> dict[str, ua.DataValue]:
    """Current data values of these nodes."""
    client = await _connected(endpoint, timeout_s)
    try:
        return {node_id: await client.get_node(node_id).read_data_value() for node_id in node_ids}
    finally:
        await client.disconnect()


def check_setpoint(setpoint: OpcUaSetpoint, value: float) -> None:
    """Refuse interlock and safety nodes and values outside the configured limits (one line each)."""
    if setpoint.kind != "setpoint":
        raise SetpointRefusedError(
            f"{setpoint.name} is {'an' if setpoint.kind == 'interlock' else 'a'} {setpoint.kind} node: "
            "Andon never writes interlocks or safety functions "
            "/ 联锁和安全功能节点禁止写入"
        )
    low, high = setpoint.low if setpoint.low is not None else -inf, setpoint.high if setpoint.high is not None else inf
    if not low <= value <= high:
        raise SetpointRefusedError(
            f"{setpoint.name}: {value:g} {setpoint.unit} is outside the configured limits "
            f"[{low:g}, {high:g}] {setpoint.unit} / 超出设定范围"
        )


async def write_setpoint(source: OpcUaSource, setpoint: OpcUaSetpoint, value: float) -> tuple[float, float]:
    """Write an approved setpoint (limits checked again) and read it back; returns (before, after)."""
    check_setpoint(setpoint, value)
    client = await _connected(source.endpoint, source.timeout_s)
    try:
        node = client.get_node(setpoint.node)
        before = await node.read_data_value()
        variant = before.Value.VariantType if before.Value is not None else ua.VariantType.Double
        await node.write_value(ua.DataValue(ua.Variant(float(value), variant)))
        after = await node.read_value()
    except UaStatusCodeError as exc:
        raise SourceUnavailableError(
            f"OPC UA write to {setpoint.node} refused by the server: {type(exc).__name__}"
        ) from None
    finally:
        await client.disconnect()
    return float(before.Value.Value if before.Value is not None else float("nan")), float(after)
