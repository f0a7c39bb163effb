"""`andon sim ...` (demo plant simulators) and `andon live ...` (live connectors from the mapping file).

andon sim opcua [--port 4840] [--speed 1]      the demo machines as an OPC UA server
andon sim mqtt [--port 1883] [--format sparkplug|json]   demo telemetry to an MQTT broker
andon sim mapping > live.yaml                  the mapping of both, for live_mapping in andon.toml
andon live run                                 ingest from the configured mapping until Ctrl-C
andon live browse opc.tcp://127.0.0.1:4840/andon/   a server's address space
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from enum import StrEnum
from typing import Annotated

import typer

from ui.cli.common import console, err_console, settings

__all__ = ["live_app", "sim_app"]

sim_app = typer.Typer(
    help="Simulators of the demo plant: OPC UA server, MQTT telemetry. / 演示工厂模拟器：OPC UA、MQTT",
    no_args_is_help=True,
)
live_app = typer.Typer(
    help="Live plant data over OPC UA and MQTT. / 通过 OPC UA 和 MQTT 采集实时数据", no_args_is_help=True
)

Port = Annotated[int, typer.Option(min=1, max=65535, help="Port on 127.0.0.1. / 127.0.0.1 上的端口")]
Speed = Annotated[
    float,
    typer.Option(min=0.1, max=3600, help="Plant seconds per wall second (1 = real time). / 每秒实际时间对应的工厂秒数"),
]
Lines = Annotated[
    str | None, typer.Option(help="Only these lines, comma-separated (default: all). / 仅这些产线（逗号分隔）")
]
ResetClock = Annotated[
    bool, typer.Option("--reset-clock", help="Start live time at the plant clock again. / 实时时间重新从工厂时钟开始")
]


class Format(StrEnum):
    sparkplug = "sparkplug"
    json = "json"


def _lines(text: str | None) -> set[str] | None:
    return {part.strip().upper() for part in text.split(",") if part.strip()} if text else None


def _runtime() -> object:
    from ui.live_runtime import LiveRuntime
    from ui.system import open_plant

    current = settings()
    return LiveRuntime(
        open_plant(current), current.data_home, report=lambda line: err_console.print(line, markup=False)
    )


def _wait(what: str) -> None:
    from ui.live_runtime import terminate_as_interrupt

    console.print(f"{what} (Ctrl+C to stop / 按 Ctrl+C 停止)", highlight=False, markup=False)
    with contextlib.suppress(KeyboardInterrupt), terminate_as_interrupt():
        threading.Event().wait()


@sim_app.command("opcua")
def sim_opcua(
    port: Port = 4840,
    speed: Speed = 1.0,
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between updates. / 更新间隔秒数")] = 1.0,
    lines: Lines = None,
    reset_clock: ResetClock = False,
) -> None:
    """Serve the demo plant's machines as an OPC UA server with live values and alarms.

    以 OPC UA 服务器提供演示工厂设备数据
    """
    from ui.live_runtime import LiveRuntime

    runtime = _runtime()
    assert isinstance(runtime, LiveRuntime)
    sim, clock = runtime.simulation(speed, interval, reset=reset_clock)
    endpoint = f"opc.tcp://127.0.0.1:{port}/andon/"
    try:
        runtime.start_opcua_server(sim, clock, endpoint, _lines(lines), interval)
        _wait(f"OPC UA server on {endpoint}, plant time {clock.now():%Y-%m-%d %H:%M:%S} / OPC UA仿真服务器已启动")
    finally:
        runtime.stop()


@sim_app.command("mqtt")
def sim_mqtt(
    host: Annotated[str, typer.Option(help="Broker address. / 消息代理地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Broker port. / 消息代理端口")] = 1883,
    fmt: Annotated[
        Format, typer.Option("--format", help="Sparkplug B or plain JSON topics. / Sparkplug B 或 JSON 主题")
    ] = Format.sparkplug,
    speed: Speed = 1.0,
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between messages. / 消息间隔秒数")] = 1.0,
    lines: Lines = None,
    reset_clock: ResetClock = False,
) -> None:
    """Publish demo telemetry (QoS 1) to an MQTT broker; waits for the broker if it is not up yet.

    向 MQTT 代理发布演示遥测数据
    """
    from connectors.mqtt.publisher import MqttPublisher
    from ui.live_runtime import LiveRuntime, quiet_protocol_logs

    runtime = _runtime()
    assert isinstance(runtime, LiveRuntime)
    quiet_protocol_logs()
    sim, clock = runtime.simulation(speed, interval, reset=reset_clock)
    publisher = MqttPublisher(
        sim,
        clock,
        host=host,
        port=port,
        zone=runtime.zone(),
        lines=_lines(lines),
        fmt=fmt.value,  # type: ignore[arg-type]
        interval=interval,
        report=lambda line: err_console.print(line, markup=False),
    )
    stop = threading.Event()
    worker = threading.Thread(target=publisher.run, args=(stop,), daemon=True)
    worker.start()
    try:
        _wait(f"Publishing {fmt.value} telemetry to {host}:{port} / 正在发布MQTT遥测数据")
    finally:
        stop.set()
        worker.join(timeout=10)


@sim_app.command("mapping")
def sim_mapping(
    opcua_port: Annotated[int, typer.Option(help="Port of `andon sim opcua`. / `andon sim opcua` 的端口")] = 4840,
    mqtt_port: Annotated[
        int | None, typer.Option(help="Broker port of `andon sim mqtt` (omit: no MQTT). / `andon sim mqtt` 的代理端口")
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="MQTT payloads: Sparkplug B or plain JSON. / MQTT 负载格式")
    ] = Format.sparkplug,
    opcua_lines: Lines = None,
    mqtt_lines: Lines = None,
    writes: Annotated[
        bool,
        typer.Option("--writes", help="Enable setpoint proposals (OPC UA writes). / 启用设定值提议（OPC UA 写入）"),
    ] = False,
) -> None:
    """Print the live mapping of the simulated demo plant (YAML), for `live_mapping` in andon.toml.

    输出模拟演示工厂的实时数据映射
    """
    from connectors.live.demo_mapping import demo_mapping
    from connectors.live.mapping import dump_mapping
    from connectors.live.simulation import PlantSimulation
    from ui.system import open_plant

    sim = PlantSimulation.from_plant(open_plant(settings()))
    mapping = demo_mapping(
        sim.tags,
        opcua_endpoint=f"opc.tcp://127.0.0.1:{opcua_port}/andon/",
        opcua_lines=_lines(opcua_lines),
        mqtt_port=mqtt_port,
        mqtt_lines=_lines(mqtt_lines),
        mqtt_format=fmt.value,
        writes_enabled=writes,
    )
    typer.echo(dump_mapping(mapping), nl=False)


@live_app.command("run")
def live_run() -> None:
    """Ingest live data from the configured mapping (live_mapping) into the plant database until Ctrl-C.

    按配置的映射采集实时数据
    """
    from connectors.live.errors import MappingError
    from ui.live_runtime import LiveRuntime
    from ui.system import live_context

    live = live_context(settings())
    if live is None:
        raise MappingError("no live_mapping configured (andon.toml or ANDON_LIVE_MAPPING) / 未配置实时数据映射")
    runtime = _runtime()
    assert isinstance(runtime, LiveRuntime)
    runtime.start_connectors(live.mapping)
    try:
        _wait(f"Ingesting live data from {live.mapping.origin} / 正在接入实时数据")
    finally:
        runtime.stop()


@live_app.command("browse")
def live_browse(
    endpoint: Annotated[str, typer.Argument(help="e.g. opc.tcp://127.0.0.1:4840/andon/ / OPC UA 端点")],
    depth: Annotated[int, typer.Option(min=1, max=10, help="Levels below Objects. / 浏览层数")] = 4,
) -> None:
    """List an OPC UA server's address space (objects, variables and their values). / 列出 OPC UA 服务器的地址空间"""
    from connectors.live.mapping import check_endpoint
    from connectors.opcua.connector import browse_server
    from ui.live_runtime import quiet_protocol_logs

    check_endpoint(endpoint)
    quiet_protocol_logs()
    for node in asyncio.run(browse_server(endpoint, depth=depth)):
        value = "" if node.value is None else f" = {node.value}"
        console.print(f"{'  ' * node.depth}{node.name}  [{node.node_id}] {node.node_class}{value}", markup=False)
