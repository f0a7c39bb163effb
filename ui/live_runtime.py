"""Running live data in this process: simulators (OPC UA server, local broker + MQTT publisher) and the
connectors that ingest them, each on its own thread; `LiveRuntime.stop()` ends them all.

Used by `andon demo --live` and `andon live run`. Every problem is one line through `report`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

__all__ = ["LiveRuntime", "free_port", "quiet_protocol_logs", "terminate_as_interrupt"]


def free_port(preferred: int | None = None) -> int:
    """`preferred` if it is free on 127.0.0.1, else any free port."""
    for candidate in ([preferred] if preferred else []) + [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free port on 127.0.0.1")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return "the port is already in use"
    return " ".join(str(exc).split())[:160] or type(exc).__name__


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (`kill`, a service manager stopping Andon) stops the live commands like Ctrl+C does: the
    connectors flush, the simulators and the local broker stop, instead of the process vanishing mid-write."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def quiet_protocol_logs() -> None:
    """asyncua and paho log every retry with a traceback; Andon reports each state change in one line instead."""
    for name in ("asyncua", "paho"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@dataclass
class _AsyncThread:
    """An event loop on a thread, running one coroutine factory until `stop` is set."""

    name: str
    make: Callable[[asyncio.Event], Any]
    thread: threading.Thread | None = None
    loop: asyncio.AbstractEventLoop | None = None
    stop_event: asyncio.Event | None = None
    started: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None

    def start(self) -> None:
        def main() -> None:
            async def body() -> None:
                self.loop = asyncio.get_running_loop()
                self.stop_event = asyncio.Event()
                self.started.set()
                await self.make(self.stop_event)

            try:
                asyncio.run(body())
            except Exception as exc:  # kept for the thread that started it, which reports it in one line
                self.failure = exc

        self.thread = threading.Thread(target=main, name=self.name, daemon=True)
        self.thread.start()
        self.started.wait(10)

    def stop(self) -> None:
        if self.loop is not None and self.stop_event is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nothing left to stop
                self.loop.call_soon_threadsafe(self.stop_event.set)
        if self.thread is not None:
            self.thread.join(timeout=15)


class LiveRuntime:
    """What `andon demo --live` runs beside the console."""

    def __init__(self, engine: Engine, data_home: Path, *, report: Callable[[str], None]) -> None:
        self.engine = engine
        self.data_home = data_home
        self.report = report
        self._async: list[_AsyncThread] = []
        self._threads: list[tuple[threading.Thread, threading.Event]] = []
        self.broker: Any = None
        quiet_protocol_logs()

    def simulation(self, speed: float, interval: float, *, reset: bool = False) -> tuple[Any, Any]:
        from connectors.live.simulation import PlantSimulation, SimClock

        sim = PlantSimulation.from_plant(self.engine, step=timedelta(seconds=speed * interval))
        clock = SimClock.resume(self.data_home / "live" / "sim-clock.json", sim.start, speed, reset=reset)
        return sim, clock

    def zone(self) -> Any:
        from zoneinfo import ZoneInfo

        from connectors.schema import Site

        with Session(self.engine) as session:
            site = session.get(Site, 1)
        return ZoneInfo(site.timezone if site else "UTC")

    def start_opcua_server(
        self, sim: Any, clock: Any, endpoint: str, lines: set[str] | None, interval: float, *, timeout_s: float = 60
    ) -> None:
        """Serve the simulation on `endpoint`; returns once it accepts connections, raises if it cannot serve."""
        from connectors.live.errors import SourceUnavailableError
        from connectors.opcua.simulator import OpcUaSimulator

        server = OpcUaSimulator(sim, clock, endpoint=endpoint, zone=self.zone(), lines=lines, interval=interval)
        ready = threading.Event()
        runner = _AsyncThread("opcua-sim", lambda stop: server.run(stop, ready.set))
        self._async.append(runner)
        runner.start()
        deadline = time.monotonic() + timeout_s
        while not ready.wait(0.1):
            alive = runner.thread is not None and runner.thread.is_alive()
            if not alive or time.monotonic() > deadline:
                reason = _reason(runner.failure) if runner.failure else f"not ready within {timeout_s:.0f} s"
                raise SourceUnavailableError(f"cannot serve OPC UA on {endpoint}: {reason} / 无法启动OPC UA仿真服务器")

    def start_broker(self, port: int) -> bool:
        """A local mosquitto, if installed; False (with one line) when it is not."""
        from connectors.live.errors import SourceUnavailableError
        from connectors.mqtt.broker import LocalBroker

        broker = LocalBroker(self.data_home / "live" / "broker", port)
        try:
            broker.start()
        except SourceUnavailableError as exc:
            self.report(f"MQTT left out: {exc} / 未启动MQTT")
            return False
        self.broker = broker
        return True

    def start_mqtt_publisher(
        self, sim: Any, clock: Any, port: int, lines: set[str] | None, fmt: str, interval: float
    ) -> None:
        from connectors.mqtt.publisher import MqttPublisher

        publisher = MqttPublisher(
            sim,
            clock,
            host="127.0.0.1",
            port=port,
            zone=self.zone(),
            lines=lines,
            fmt=fmt,  # type: ignore[arg-type]
            interval=interval,
            report=self.report,
        )
        self._thread("mqtt-sim", publisher.run)

    def start_connectors(self, mapping: Any) -> None:
        """The OPC UA connector and the MQTT ingestor of the mapping, into the plant database."""
        from connectors.live.mapping import check_mapping, plant_timezone
        from connectors.live.store import LiveStore

        with Session(self.engine) as session:
            check_mapping(mapping, session)
            zone = plant_timezone(mapping, session)
        store = LiveStore(self.engine)
        if mapping.opcua is not None:
            from connectors.opcua.connector import OpcUaConnector

            connector = OpcUaConnector(mapping.opcua, store, zone, report=self.report)
            self._async.append(_AsyncThread("opcua-ingest", connector.run))
            self._async[-1].start()
        if mapping.mqtt is not None:
            from connectors.mqtt.ingest import MqttIngestor

            ingestor = MqttIngestor(mapping.mqtt, store, zone, report=self.report)
            self._thread("mqtt-ingest", ingestor.run)

    def _thread(self, name: str, run: Callable[[threading.Event], None]) -> None:
        stop = threading.Event()
        thread = threading.Thread(target=run, args=(stop,), name=name, daemon=True)
        thread.start()
        self._threads.append((thread, stop))

    def stop(self) -> None:
        """Stop connectors first (they flush), then the simulators and the broker."""
        for thread, stop in reversed(self._threads):
            stop.set()
            thread.join(timeout=15)
        for runner in reversed(self._async):
            runner.stop()
        if self.broker is not None:
            self.broker.stop()
