"""`andon ui`: the operator console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from ui.cli.common import console, settings

__all__ = ["console_address", "register_ui", "serve_console"]

HostOption = Annotated[
    str | None, typer.Option(help="Address to bind (default: 127.0.0.1, or ANDON_UI_HOST). / 监听地址")
]
PortOption = Annotated[int | None, typer.Option(help="Port (default: 7860, or ANDON_UI_PORT). / 端口")]


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
    def ui(host: HostOption = None, port: PortOption = None) -> None:
        """Start the operator console (Gradio) on this machine. / 在本机启动操作员控制台"""
        from ui.console.server import check_port

        bind, at = console_address(host, port)
        check_port(bind, at)
        serve_console(bind, at, lambda url: f"Andon console on {url}  (Ctrl+C to stop / 按 Ctrl+C 停止)")
