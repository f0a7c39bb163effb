"""`andon audit ...`: verify the hash chain of the audit log, show its last entries."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ui.cli.common import console, err_console, print_json, settings

__all__ = ["audit_app"]

audit_app = typer.Typer(help="The audit log of every tool call and decision. / 审计日志。", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Check that no entry was modified, deleted or reordered (exit code 1 if one was). / 校验审计日志。"""
    from ui.system import audit_log

    report = audit_log(settings()).verify()
    if report.ok:
        console.print(str(report), markup=False, soft_wrap=True)
        return
    err_console.print(str(report), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@audit_app.command("tail")
def tail(
    n: Annotated[int, typer.Option("-n", help="How many entries. / 条目数")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON. / 以JSON输出")] = False,
) -> None:
    """Show the last entries, oldest first. / 显示最近的审计记录。"""
    from ui.system import audit_log

    entries = audit_log(settings()).tail(n)
    if as_json:
        print_json([entry.to_record() for entry in entries])
        return
    table = Table(title=f"Audit log / 审计日志 (last {len(entries)})")
    for column in ("seq", "time (UTC)", "who", "event", "tool", "outcome", "ms"):
        table.add_column(column, no_wrap=column in {"seq", "time (UTC)", "outcome", "ms"})
    table.add_column("summary", min_width=32)
    for entry in entries:
        table.add_row(
            str(entry.seq),
            entry.ts[:19].replace("T", " "),
            f"{entry.user} ({entry.role})",
            entry.event,
            entry.tool,
            entry.outcome,
            f"{entry.duration_ms:.0f}",
            entry.summary,
        )
    console.print(table)
