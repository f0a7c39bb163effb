"""Shared helpers of the CLI commands: settings, consoles, JSON output."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

from ui.config import AndonSettings, load_settings

__all__ = ["console", "err_console", "print_json", "settings"]

console = Console()
err_console = Console(stderr=True)


def settings() -> AndonSettings:
    """The effective settings of this process (andon.toml in the working directory + ANDON_* env)."""
    return load_settings()


def print_json(data: Any) -> None:
    """Print machine-readable JSON on stdout (no Rich markup, UTF-8 kept readable)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
