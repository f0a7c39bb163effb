"""`andon db ...`: seed the demo plant, show what a database holds.

Only typer, rich and the standard library are imported here; the connectors layer (SQLAlchemy,
numpy) is imported inside the commands so that `andon --help` stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ui.cli.common import console, print_json, settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["db_app"]

db_app = typer.Typer(
    help="Plant database: seed the demo plant, show row counts and the plant clock. / 工厂数据库：生成、查看",
    no_args_is_help=True,
)


class ScaleOption(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"


def _engine() -> Engine:
    from connectors import DatabaseConfig, open_engine

    return open_engine(DatabaseConfig(url=settings().effective_database_url))


def _counts_table(counts: dict[str, int]) -> Table:
    table = Table(title="rows per table / 各表行数", show_edge=False)
    table.add_column("table / 表")
    table.add_column("rows / 行数", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    table.add_row("[bold]total / 合计[/bold]", f"[bold]{sum(counts.values()):,}[/bold]")
    return table


@db_app.command("seed")
def seed(
    scale: Annotated[
        ScaleOption,
        typer.Option(
            help="small (tests), medium (the demo) or large (benchmarks, >10M rows). / 规模：small、medium 或 large"
        ),
    ] = ScaleOption.medium,
    seed_value: Annotated[
        int,
        typer.Option(
            "--seed", help="Random seed: the same seed gives the same plant. / 随机种子：相同种子生成相同工厂"
        ),
    ] = 7,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the plant if the database holds one. / 覆盖数据库中已有的工厂")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON. / 以JSON输出")] = False,
) -> None:
    """Generate the deterministic demo plant (MES + ERP) in the configured database.

    生成确定性的演示工厂（MES + ERP）
    """
    from connectors import describe_url, seed_plant

    engine = _engine()
    bar = Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
        disable=as_json,
    )
    tasks: dict[str, Any] = {}

    def report(stage: str, done: int, total: int) -> None:
        # Started on the first report, so a refusal prints nothing but its error line.
        if not tasks:
            bar.start()
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        try:
            summary = seed_plant(engine, scale=scale.value, seed=seed_value, force=force, progress=report)
        finally:
            if tasks:
                bar.stop()
        if force:
            from tools import reset_tool_tables

            reset_tool_tables(engine)  # proposals about the replaced plant mean nothing
            from connectors.live.schema import reset_live_tables

            reset_live_tables(engine)  # so do live samples of its tags
        if as_json:
            print_json({**summary.model_dump(mode="json"), "database": describe_url(engine.url)})
            return
        console.print(_counts_table(summary.row_counts))
        console.print(
            f"Seeded the {summary.scale} demo plant (seed {summary.seed}) into {describe_url(engine.url)} / "
            f"已生成{summary.scale}规模演示工厂: {summary.total_rows:,} rows in {summary.elapsed_s:.1f} s; "
            f"plant clock / 工厂时钟 {summary.plant_clock:%Y-%m-%d %H:%M}",
            highlight=False,
            soft_wrap=True,
        )
    finally:
        engine.dispose()


@db_app.command("info")
def info(
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON. / 以JSON输出")] = False,
) -> None:
    """Show the plant clock, how the plant was generated, and row counts per table.

    显示工厂时钟、生成方式与各表行数
    """
    from connectors import describe_url, plant_info

    engine = _engine()
    try:
        plant = plant_info(engine)
        where = describe_url(engine.url)
    finally:
        engine.dispose()
    if as_json:
        print_json({"database": where, **plant.model_dump(mode="json"), "total_rows": plant.total_rows})
        return
    console.print(_counts_table(plant.row_counts))
    console.print(
        f"database / 数据库: {where}\n"
        f"plant / 工厂: {plant.site_code}, scale / 规模 {plant.scale}, seed / 种子 {plant.seed}, "
        f"generator / 生成器 {plant.generator_version}\n"
        f"data from / 数据起点 {plant.data_start:%Y-%m-%d %H:%M}, "
        f"plant clock / 工厂时钟 {plant.plant_clock:%Y-%m-%d %H:%M}",
        highlight=False,
        soft_wrap=True,
    )
