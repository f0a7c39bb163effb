"""Start the console safely: loopback by default, no share links, no analytics, local fonts only."""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

from ui.config import AndonSettings, ConfigError

__all__ = ["build_backend", "is_loopback", "launch_console"]


def is_loopback(host: str) -> bool:
    """True when `host` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except OSError:
            return False


def check_bind(settings: AndonSettings, host: str) -> None:
    """Refuse to serve beyond this machine unless sign-in is required with configured users."""
    if is_loopback(host):
        return
    if not settings.ui_auth:
        raise ConfigError(
            f"refusing to bind {host} without authentication (set ui_auth = true) / 未启用认证时拒绝绑定 {host}"
        )
    if settings.users is None:
        raise ConfigError(
            f"refusing to bind {host} with the demo users; configure users with password hashes "
            f"(andon users hash-password) / 使用演示账户时拒绝绑定 {host}"
        )


def build_backend(settings: AndonSettings, *, model: Any = None) -> Any:
    """The console backend for `settings`: assistant, documents, tools."""
    from knowledge import open_document_index
    from ui.agents_wiring import agent_system
    from ui.console.backend import ConsoleBackend
    from ui.system import knowledge_config

    # One index for the assistant's searches and the console's uploads, so a new document is found at once.
    documents = open_document_index(knowledge_config(settings))
    system = agent_system(settings, model=model, documents=documents)
    return ConsoleBackend(settings, system.assistant, documents=documents, tools=system.tools)


def _offline_theme() -> Any:
    import gradio as gr

    # The default theme pulls fonts from the internet; a plant PC may have none.
    system_fonts: list[gr.themes.Font | str] = [
        gr.themes.Font("system-ui"),
        gr.themes.Font("Noto Sans CJK SC"),
        "sans-serif",
    ]
    mono_fonts: list[gr.themes.Font | str] = [gr.themes.Font("ui-monospace"), "monospace"]
    return gr.themes.Default(font=system_fonts, font_mono=mono_fonts)


def launch_console(
    settings: AndonSettings, *, host: str, port: int, model: Any = None, block: bool = True, backend: Any = None
) -> Any:
    """Build and serve the console; with `block=False` returns the running Gradio app."""
    check_bind(settings, host)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from ui.console.app import build_console

    app = build_console(backend if backend is not None else build_backend(settings, model=model))
    app.queue(default_concurrency_limit=8, max_size=256)
    app.launch(
        server_name=host,
        server_port=port,
        share=False,
        show_error=False,
        prevent_thread_lock=not block,
        quiet=True,
        theme=_offline_theme(),
        footer_links=[],
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
    )
    return app
