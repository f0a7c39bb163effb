"""`andon ui`: the operator console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from ui.cli.common import console, settings
from ui.config import ConfigError

__all__ = ["console_address", "register_ui", "serve_console", "serve_workers"]

HostOption = Annotated[
    str | None, typer.Option(help="Address to bind (default: 127.0.0.1, or ANDON_UI_HOST). / 监听地址")
]
PortOption = Annotated[int | None, typer.Option(help="Port (default: 7860, or ANDON_UI_PORT). / 端口")]
WorkersOption = Annotated[
    int,
    typer.Option(
        min=1,
        max=64,
        help="Console processes on consecutive ports from --port, for a load balancer in front (see deploy/). "
        "/ 从 --port 起连续端口上的控制台进程数，前面接负载均衡（见 deploy/）",
    ),
]


def console_address(host: str | None, port: int | None) -> tuple[str, int]:
    """The address to serve on: the options, else the settings (`ANDON_UI_HOST` / `ANDON_UI_PORT`, andon.toml)."""
    current = settings()
    return host or current.ui_host, port or current.ui_port


def serve_console(host: str, port: int, ready_message: Callable[[str], str]) -> None:
    """Serve the console until Ctrl+C; the address is printed only once the console answers on it."""
    from ui.console import launch_console

    console.print("Starting the operator console … / 正在启动操作员控制台 …", highlight=False)
    launch_console(
        settings(),
        host=host,
        port=port,
        on_ready=lambda url: console.print(ready_message(url), highlight=False, markup=False, soft_wrap=True),
    )


def register_ui(app: typer.Typer) -> None:
    """Add the `ui` command to the root app."""

    @app.command("ui")
    def ui(host: HostOption = None, port: PortOption = None, workers: WorkersOption = 1) -> None:
        """Start the operator console (Gradio) on this machine. / 在本机启动操作员控制台"""
        from ui.console.server import check_port

        bind, at = console_address(host, port)
        for offset in range(workers):
            check_port(bind, at + offset)
        if workers == 1:
            serve_console(bind, at, lambda url: f"Andon console on {url}  (Ctrl+C to stop / 按 Ctrl+C 停止)")
            return
        serve_workers(workers, bind, at)


def serve_workers(count: int, host: str, port: int) -> None:
    """Run `count` console processes on consecutive ports until Ctrl+C or until one of them exits."""
    import time

    from ui.workers import start_workers, stop_workers, wait_until_answering

    current = settings()
    if not current.state_in_database and current.effective_database_url.startswith("sqlite"):
        console.print(
            "note: the plant, audit log and conversations are files in the data home: every worker must run on "
            "this host (use PostgreSQL for several hosts) / 数据在本机文件中，多主机请使用 PostgreSQL",
            highlight=False,
        )
    started = start_workers(count, host=host, port=port)
    try:
        wait_until_answering(started)
        for worker in started:
            console.print(f"Andon console worker on {worker.url} / 控制台工作进程", highlight=False, markup=False)
        console.print(f"{count} workers serving one plant (Ctrl+C to stop / 按 Ctrl+C 停止)", highlight=False)
        while all(worker.process.poll() is None for worker in started):
            time.sleep(1.0)
        gone = next(worker for worker in started if worker.process.poll() is not None)
        raise ConfigError(f"console worker {gone.url} exited with code {gone.process.returncode}; stopping the others")
    finally:
        stop_workers(started)
