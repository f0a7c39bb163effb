"""`andon audit ...`: verify the hash chain of the audit log (and its signed checkpoints), write a
checkpoint, show the last entries."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ui.cli.common import console, err_console, print_json, settings

__all__ = ["audit_app"]

audit_app = typer.Typer(help="The audit log of every tool call and decision. / 审计日志。", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Check that no entry was modified, deleted or reordered and, with a checkpoint key, that the chain
    still holds every signed checkpoint (not truncated, not replaced); exit code 1 if not. / 校验审计日志。"""
    from ui.system import audit_checkpoints, audit_log

    current = settings()
    trail = audit_log(current)
    store = audit_checkpoints(current)
    report = store.verify(trail) if store is not None else trail.verify()
    if report.ok:
        console.print(str(report), markup=False, soft_wrap=True)
        if store is not None:
            count = len(store.checkpoints())
            console.print(f"checked against {count} signed checkpoints / 已核对 {count} 个签名检查点", highlight=False)
        else:
            console.print(
                "no checkpoint key: truncation and replacement are not checked (audit_checkpoint_key) "
                "/ 未配置检查点密钥，无法发现截断或整体替换",
                highlight=False,
            )
        return
    err_console.print(str(report), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON. / 以JSON输出")] = False,
) -> None:
    """Sign the chain's current head into the checkpoint file (keep it apart from the log). / 写入签名检查点。"""
    from ui.config import ConfigError
    from ui.system import audit_checkpoints, audit_log

    current = settings()
    store = audit_checkpoints(current)
    if store is None:
        raise ConfigError("no audit_checkpoint_key configured (ANDON_AUDIT_CHECKPOINT_KEY) / 未配置审计检查点密钥")
    try:
        written = store.write(audit_log(current))
    except (ValueError, OSError) as exc:
        raise ConfigError(str(exc)) from None
    if as_json:
        print_json({"seq": written.seq, "hash": written.hash, "ts": str(written.ts), "path": str(store.path)})
        return
    console.print(
        f"checkpoint: entry {written.seq} {written.hash[:16]}… at {written.ts} -> {store.path} / 检查点已写入",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


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
