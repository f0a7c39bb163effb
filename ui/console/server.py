"""Start the console safely: loopback by default, no share links, no analytics, local fonts only.

A taken port is reported before anything slow is loaded, and the console's address is handed to
`on_ready` only once the server answers on it.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from ui.config import AndonSettings, ConfigError

__all__ = ["build_backend", "check_port", "console_url", "is_loopback", "launch_console"]

#: How long a started server may take to answer its first request (a busy 2-core machine is slow).
READY_TIMEOUT_S = 120.0


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


def _port_taken(host: str, port: int, reason: str = "") -> ConfigError:
    why = f" ({reason})" if reason else ""
    return ConfigError(
        f"port {port} on {host} is already in use{why}; choose another with --port or ANDON_UI_PORT "
        f"/ 端口 {port} 已被占用，请用 --port 或 ANDON_UI_PORT 指定其他端口"
    )


def check_port(host: str, port: int) -> None:
    """Raise a one-line ConfigError naming --port and ANDON_UI_PORT when the console cannot listen there."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConfigError(f"cannot resolve the console address {host!r} ({exc}) / 无法解析地址 {host}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # The server sets SO_REUSEADDR too: a port in TIME_WAIT is free for it, a listening one is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EACCES:
                raise ConfigError(
                    f"not allowed to listen on port {port} (ports below 1024 need privileges); choose another "
                    f"with --port or ANDON_UI_PORT / 无权使用端口 {port}，请用 --port 或 ANDON_UI_PORT 指定其他端口"
                ) from None
            raise _port_taken(host, port, exc.strerror or "") from None


def console_url(host: str, port: int) -> str:
    """The address to open: a wildcard bind is reached through this machine's loopback address."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _wait_until_answering(url: str, timeout_s: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except urllib.error.HTTPError:
            return  # it answered, even if not with 200
        except OSError as exc:
            if time.monotonic() > deadline:
                raise ConfigError(f"the console did not answer on {url} within {timeout_s:.0f} s ({exc})") from None
            time.sleep(0.2)


def build_backend(settings: AndonSettings, *, model: Any = None) -> Any:
    """The console backend for `settings`: assistant, documents, tools."""
    from ui.agents_wiring import agent_system
    from ui.console.backend import ConsoleBackend
    from ui.system import document_index

    # One index for the assistant's searches and the console's uploads, so a new document is found at once.
    documents = document_index(settings)
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
    settings: AndonSettings,
    *,
    host: str,
    port: int,
    model: Any = None,
    block: bool = True,
    backend: Any = None,
    on_ready: Callable[[str], None] | None = None,
) -> Any:
    """Build and serve the console. `on_ready(url)` is called once the console answers on `url`; with
    `block=False` the running Gradio app is returned then, otherwise this serves until Ctrl+C."""
    check_bind(settings, host)
    check_port(host, port)  # in a second, not after the models have loaded
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from ui.console.app import build_console

    app = build_console(backend if backend is not None else build_backend(settings, model=model))
    app.queue(default_concurrency_limit=8, max_size=256)
    from starlette.middleware import Middleware

    from ui.console.security_headers import SecurityHeadersMiddleware

    try:
        app.launch(
            server_name=host,
            server_port=port,
            share=False,
            show_error=False,
            prevent_thread_lock=True,
            quiet=True,
            theme=_offline_theme(),
            footer_links=[],
            ssr_mode=False,
            pwa=False,
            mcp_server=False,
            # Off unless configured: traffic monitoring, and run history kept in the operator's browser.
            enable_monitoring=settings.ui_monitoring,
            run_history=settings.ui_run_history,
            app_kwargs={"middleware": [Middleware(SecurityHeadersMiddleware)]},
        )
    except OSError:  # taken meanwhile, by another program
        with contextlib.suppress(Exception):
            app.close()
        raise _port_taken(host, port) from None
    url = console_url(host, port)
    try:
        _wait_until_answering(url)
    except ConfigError:
        app.close()
        raise
    if on_ready is not None:
        on_ready(url)
    if block:
        app.block_thread()
    return app
