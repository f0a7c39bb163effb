"""`andon demo --live`: simulators, connectors and the console in one process; Ctrl+C stops everything.

The OPC UA simulator serves lines L1 and L2; a local mosquitto (when installed) carries Sparkplug B
telemetry of L3 and L4. Without mosquitto the OPC UA server serves every line. The mapping used is
written to <data home>/live/demo-mapping.yaml (`live_mapping` can point at it later).
"""

from __future__ import annotations

import threading

from ui.cli.common import console, err_console
from ui.config import AndonSettings

__all__ = ["run_live_demo"]

_OPCUA_LINES = {"L1", "L2"}
_MQTT_LINES = {"L3", "L4"}
_INTERVAL_S = 1.0


def run_live_demo(current: AndonSettings, *, host: str | None, port: int | None, speed: float, no_ui: bool) -> None:
    from connectors.live.demo_mapping import demo_mapping
    from connectors.live.mapping import dump_mapping
    from connectors.mqtt.broker import find_mosquitto
    from ui.live_runtime import LiveRuntime, free_port, terminate_as_interrupt
    from ui.system import open_plant

    def report(line: str) -> None:
        err_console.print(line, markup=False, highlight=False)

    runtime = LiveRuntime(open_plant(current), current.data_home, report=report)
    with terminate_as_interrupt():
        try:
            sim, clock = runtime.simulation(speed, _INTERVAL_S)
            mqtt_port = free_port(1883) if find_mosquitto() else None
            if mqtt_port is None:
                report(
                    "mosquitto is not installed: OPC UA only (apt-get install mosquitto) "
                    "/ 未安装mosquitto，仅使用OPC UA"
                )
            elif not runtime.start_broker(mqtt_port):
                mqtt_port = None
            opcua_lines = _OPCUA_LINES if mqtt_port is not None else None
            endpoint = f"opc.tcp://127.0.0.1:{free_port(4840)}/andon/"
            runtime.start_opcua_server(sim, clock, endpoint, opcua_lines, _INTERVAL_S)
            if mqtt_port is not None:
                runtime.start_mqtt_publisher(sim, clock, mqtt_port, _MQTT_LINES, "sparkplug", _INTERVAL_S)
            mapping = demo_mapping(
                sim.tags, opcua_endpoint=endpoint, opcua_lines=opcua_lines, mqtt_port=mqtt_port, mqtt_lines=_MQTT_LINES
            )
            path = current.data_home / "live" / "demo-mapping.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump_mapping(mapping), encoding="utf-8")
            runtime.start_connectors(mapping)
            live_settings = current.model_copy(update={"live_mapping": path})
            console.print(
                f"Live: OPC UA {endpoint}"
                + (f", MQTT 127.0.0.1:{mqtt_port} (Sparkplug B)" if mqtt_port else "")
                + f"; plant time {clock.now():%Y-%m-%d %H:%M:%S}, {speed:g}x / 实时数据已接入",
                highlight=False,
                markup=False,
            )
            if no_ui:
                console.print("Ctrl+C to stop / 按Ctrl+C停止", markup=False)
                threading.Event().wait()
                return
            from ui.console import launch_console

            bind, at = host or current.ui_host, port or current.ui_port
            console.print(
                f"Operator console / 操作员控制台: http://{bind}:{at} (Ctrl+C to stop / 按 Ctrl+C 停止)",
                highlight=False,
                markup=False,
            )
            launch_console(live_settings, host=bind, port=at)
        except KeyboardInterrupt:
            pass
        finally:
            runtime.stop()
            console.print("Live demo stopped / 实时演示已停止", markup=False)
