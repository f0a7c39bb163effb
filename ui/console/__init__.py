"""The Gradio operator console (`andon ui`)."""

from ui.console.server import build_backend, is_loopback, launch_console

__all__ = ["build_backend", "is_loopback", "launch_console"]
