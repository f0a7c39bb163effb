"""`andon demo`: the main job on the embedded default — demo plant, demo documents, operator console."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ui.cli.common import console, settings
from ui.cli.ui_cmd import HostOption, PortOption, console_address, serve_console

__all__ = ["register_demo"]

DEMO_QUESTIONS = (
    "What was the OEE of line 2 yesterday?",
    "2号线昨天的OEE是多少？",
    "Which materials are below their reorder point?",
    "报警E-217是什么意思，怎么处理？",
)


def _ensure_plant() -> None:
    from connectors import DatabaseConfig, has_plant, open_engine, plant_info

    engine = open_engine(DatabaseConfig(url=settings().effective_database_url))
    try:
        plant = plant_info(engine) if has_plant(engine) else None
    finally:
        engine.dispose()
    if plant is None:
        console.print("Seeding the medium demo plant / 正在生成中等规模演示工厂 …")
        from ui.cli.db_cmd import ScaleOption, seed

        seed(scale=ScaleOption.medium, seed_value=7, force=False)
        return
    console.print(
        f"Demo plant present / 演示工厂已存在: {plant.total_rows:,} rows, scale {plant.scale}, seed {plant.seed}, "
        f"plant clock / 工厂时钟 {plant.plant_clock:%Y-%m-%d %H:%M}",
        highlight=False,
    )


def _ensure_documents() -> None:
    from knowledge import demo_corpus_path
    from ui.system import document_index

    # Ingestion is idempotent: unchanged documents are skipped, changed ones replaced.
    index = document_index(settings())
    with Progress(
        TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("documents / 文档", total=None)

        def report(update: object) -> None:
            bar.update(
                task,
                completed=getattr(update, "documents_done", 0),
                total=getattr(update, "documents_total", None) or None,
            )

        result = index.ingest([demo_corpus_path()], progress=report)
    for line in result.lines():
        console.print(line, highlight=False)


def register_demo(app: typer.Typer) -> None:
    """Add the `demo` command to the root app."""

    @app.command("demo")
    def demo(
        no_ui: Annotated[
            bool,
            typer.Option(
                "--no-ui",
                help="Prepare plant and documents, do not start the console. / 只准备数据与文件，不启动控制台",
            ),
        ] = False,
        host: HostOption = None,
        port: PortOption = None,
        live: Annotated[
            bool,
            typer.Option(
                "--live",
                help="Also run the OPC UA / MQTT simulators and ingest them live. / 同时运行模拟器并实时采集",
            ),
        ] = False,
        speed: Annotated[
            float,
            typer.Option(
                min=0.1, max=3600, help="With --live: plant seconds per second. / 配合 --live：每秒对应的工厂秒数"
            ),
        ] = 10.0,
    ) -> None:
        """Seed the medium demo plant and ingest the demo documents (each if absent), then start the console.

        生成中型演示工厂并导入演示文件，然后启动控制台
        """
        bind, at = console_address(host, port)
        if not no_ui:
            from ui.console.server import check_port

            check_port(bind, at)  # before minutes of seeding, not after
        _ensure_plant()
        _ensure_documents()
        if live:
            from ui.cli.demo_live import run_live_demo

            run_live_demo(settings(), host=bind, port=at, speed=speed, no_ui=no_ui)
            return
        console.print("Try / 试试:", highlight=False)
        for question in DEMO_QUESTIONS:
            console.print(f'  andon ask "{question}"', highlight=False, markup=False)
        if no_ui:
            return
        serve_console(
            bind,
            at,
            lambda url: (
                f"Operator console on {url} — demo users operator / engineer / supervisor / admin, "
                "password = user name / 演示账户密码与用户名相同 (Ctrl+C to stop)"
            ),
        )
