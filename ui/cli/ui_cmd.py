"""`andon ui`: the operator console."""

from __future__ import annotations

from typing import Annotated

import typer

from ui.cli.common import console, settings

__all__ = ["register_ui"]


def register_ui(app: typer.Typer) -> None:
    """Add the `ui` command to the root app."""

    @app.command("ui")
    def ui(
        host: Annotated[str | None, typer.Option(help="Address to bind (default: 127.0.0.1).")] = None,
        port: Annotated[int | None, typer.Option(help="Port (default: 7860).")] = None,
    ) -> None:
        """Start the operator console (Gradio) on this machine."""
        from ui.console import launch_console

        current = settings()
        bind, at = host or current.ui_host, port or current.ui_port
        console.print(f"Andon console on http://{bind}:{at}  (Ctrl+C to stop / 按 Ctrl+C 停止)")
        launch_console(current, host=bind, port=at)
