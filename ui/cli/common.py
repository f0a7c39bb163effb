"""Shared helpers of the CLI commands: settings, consoles, JSON output."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

from ui.config import AndonSettings, load_settings

__all__ = ["console", "decision_lines", "err_console", "print_json", "settings"]

console = Console()
err_console = Console(stderr=True)


def settings() -> AndonSettings:
    """The effective settings of this process (andon.toml in the working directory + ANDON_* env)."""
    return load_settings()


_DECIDED = {
    "executed": ("approved and executed", "已批准并执行"),
    "failed": ("approved, but the execution failed", "已批准，但执行失败"),
    "rejected": ("rejected", "已驳回"),
    "approved": ("approved", "已批准"),
    "pending": ("still pending", "仍待审批"),
}


def decision_lines(status: str, proposal_id: int | str, title: str, *, by: str = "", detail: str = "") -> list[str]:
    """What a decided proposal looks like in the terminal: what was decided, by whom, and why / with what result."""
    english, chinese = _DECIDED.get(status, (status, status))
    who = f" by {by}" if by else ""
    lines = [f"proposal #{proposal_id} {english}{who} / 提案 #{proposal_id} {chinese}: {title}"]
    if detail:
        label = "reason / 理由" if status == "rejected" else "result / 结果"
        lines.append(f"  {label}: {detail}")
    return lines


def print_json(data: Any) -> None:
    """Print machine-readable JSON on stdout (no Rich markup, UTF-8 kept readable)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
