"""`andon eval ...`: run suites, report, compare, import external suites.

Exit codes of `andon eval run`: 0 passed, 1 below --fail-under, 2 harness or input error.
Everything heavy (evals, agents, sklearn, langchain) is imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ui.cli.common import console, err_console, print_json, settings

if TYPE_CHECKING:
    from contextlib import ExitStack

    from sqlalchemy import Engine

    from evals import CaseExecutor, Judge, SuiteSpec
    from ui.agents_wiring import ModelChoice
    from ui.config import AndonSettings

__all__ = ["eval_app"]

eval_app = typer.Typer(
    help="Evaluate agents: run suites, grade levels (分类分级), write reports, compare runs.", no_args_is_help=True
)


def _fail_under(value: float | None) -> float | None:
    # 0.9 and 90 both mean 90 %.
    if value is None:
        return None
    return value / 100.0 if value > 1 else value


def _eval_plant(andon: AndonSettings, database: str | None, seed: int, scale: str) -> Engine:
    """The plant the run grades against: --database, else a seeded demo plant kept in the data home."""
    from connectors import DatabaseConfig, has_plant, open_engine, plant_info, seed_plant
    from evals import EvalError

    if database:
        # Only read: proposals raised during the run go to the run's own store (see ui.eval_executors).
        engine = open_engine(DatabaseConfig(url=database))
        if not has_plant(engine):
            raise EvalError(f"{database}: holds no plant / 数据库中没有工厂数据")
        return engine
    path = andon.data_home / "evals" / f"plant-{scale}-{seed}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{path.as_posix()}"))
    if not has_plant(engine):
        err_console.print(f"seeding the {scale} demo plant (seed {seed}) for evals / 正在生成评测用工厂数据: {path}")
        seed_plant(engine, scale=scale, seed=seed)
    info = plant_info(engine)
    if (info.seed, info.scale) != (seed, scale):
        raise EvalError(f"{path}: plant has seed {info.seed} ({info.scale}), expected {seed} ({scale})")
    return engine


def _ensure_documents(andon: AndonSettings, suites: list[SuiteSpec]) -> None:
    """Document questions need the demo corpus in the index: ingest it when the index is empty."""
    needs = any(
        c.expect.citations or c.expect.forbidden_citations or "knowledge" in c.expect.domains
        for s in suites
        for c in s.cases
        if not c.expect.route_only
    )
    if not needs:
        return
    from knowledge import demo_corpus_path
    from ui.system import document_index

    index = document_index(andon)
    if index.list_documents():
        return
    err_console.print(f"ingesting the demo documents for evals / 正在导入评测用演示文档: {demo_corpus_path()}")
    index.ingest([demo_corpus_path()])


def _llm(andon: AndonSettings, model_name: str) -> Any:
    from pydantic import SecretStr

    from agents.models.openai_compatible import LLMConfig, make_openai_chat_model

    key = andon.llm_api_key or SecretStr("not-needed")
    config = LLMConfig(
        base_url=andon.llm_base_url or "",
        model=model_name,
        api_key=key,
        timeout_s=andon.llm_timeout_s,
        max_retries=0,  # the eval runner retries transport errors itself
        max_tokens=andon.llm_max_tokens,
        stream=andon.llm_stream,
        extra_body=andon.llm_extra_body,
    )
    return make_openai_chat_model(config)


def _executor(
    andon: AndonSettings,
    suites: list[SuiteSpec],
    model: str,
    engine: Engine | None,
    out: Path,
    prices: tuple[float, float] = (0.0, 0.0),
    *,
    workers: int = 1,
    concurrency: int = 8,
    stack: ExitStack | None = None,
) -> Any:
    """Routing-only cases through the router alone; the rest through the assistant on the eval plant,
    in this process or, with `workers` > 1, in that many worker processes (closed with `stack`)."""
    from evals import CompositeExecutor, EvalError, ProcessExecutor, RouterExecutor
    from ui.agents_wiring import tier1_router
    from ui.eval_executors import AssistantRecipe, build_assistant_executor, model_id_of, run_proposal_store
    from ui.system import load_tools

    registry = load_tools(andon)
    router = tier1_router(andon, registry)
    texts = [c.messages[-1] for s in suites for c in s.cases if c.expect.route_only]
    needs_assistant = any(not c.expect.route_only for s in suites for c in s.cases)
    if model == "openai" and not andon.llm_configured:
        raise EvalError("--model openai needs llm_base_url and llm_model (andon.toml or ANDON_LLM_*) / 未配置LLM")
    choice: ModelChoice = "openai" if model == "openai" else "offline"
    model_id = model_id_of(andon, choice)
    route_executor = RouterExecutor(router, model_id if not needs_assistant else "router")
    route_executor.warm(texts)
    if not needs_assistant or engine is None:
        return route_executor
    audit_path = out / "audit.jsonl"
    if workers > 1:
        recipe = AssistantRecipe(
            settings=andon,
            model=choice,
            database_url=engine.url.render_as_string(hide_password=False),
            audit_path=audit_path,
            prices_per_mtok=prices,
            router=router,
        )
        run_proposal_store(out)  # created once here, opened by every worker
        err_console.print(f"starting {workers} eval workers / 正在启动{workers}个评测工作进程")
        pool = ProcessExecutor(recipe, model_id=model_id, workers=workers, concurrency=concurrency).start()
        if stack is not None:
            stack.callback(pool.close)
        return CompositeExecutor(route_executor, pool)
    agent_executor = build_assistant_executor(
        andon, choice, engine, registry=registry, router=router, audit_path=audit_path, prices_per_mtok=prices
    )
    return CompositeExecutor(route_executor, agent_executor)


def _judge(andon: AndonSettings, judge_model: str | None, model_id: str) -> Judge | None:
    from evals import JudgeError, LLMJudge

    if judge_model is None:
        return None
    judge_id = f"openai:{judge_model}"
    if judge_id == model_id or judge_model == model_id:
        raise JudgeError(f"the judge must be a different model from the one under test ({model_id}) / 评审模型须不同")
    if not andon.llm_base_url:
        raise JudgeError("--judge-model needs llm_base_url (andon.toml or ANDON_LLM_BASE_URL) / 未配置LLM端点")
    return LLMJudge(_llm(andon, judge_model), judge_id)


def _run(executor: CaseExecutor, suites: list[SuiteSpec], run_settings: Any, out: Path, **kwargs: Any) -> Any:
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from evals import run_suites

    with Progress(
        TextColumn("[bold]eval[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console
    ) as progress:
        task = progress.add_task("cases", total=None)
        return asyncio.run(
            run_suites(
                suites,
                executor,
                run_settings,
                out,
                on_start=lambda total: progress.update(task, total=total),
                on_record=lambda record: progress.advance(task),
                **kwargs,
            )
        )


@eval_app.command("run")
def run_command(
    suites: Annotated[
        list[str],
        typer.Argument(
            help="Suite files, built-in names, or assetopsbench:/path. / 评测集文件、内置名称或 assetopsbench:/路径"
        ),
    ],
    model: Annotated[
        str, typer.Option(help="offline or openai (the configured endpoint). / 模型：offline 或 openai")
    ] = "offline",
    repeats: Annotated[
        int, typer.Option(min=1, help="Attempts per case (for pass^k). / 每个用例的尝试次数（用于 pass^k）")
    ] = 1,
    concurrency: Annotated[int, typer.Option(min=1, help="Cases in flight at once. / 同时执行的用例数")] = 8,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Processes that play the cases (use the cores; each builds its own assistant). / 执行用例的进程数",
        ),
    ] = 1,
    out: Annotated[
        Path | None, typer.Option(help="Run folder; an existing run there is resumed. / 运行目录；已有运行将继续")
    ] = None,
    fail_under: Annotated[
        float | None, typer.Option(help="Exit 1 when the pass rate is below (0.9 or 90). / 通过率低于该值时退出码为 1")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed of the demo plant the gold values come from. / 标准答案所用演示工厂的种子")
    ] = 7,
    scale: Annotated[str, typer.Option(help="Scale of the demo plant. / 演示工厂规模")] = "small",
    database: Annotated[
        str | None, typer.Option(help="Grade against this plant database instead. / 改用该工厂数据库评分")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per attempt. / 每次尝试的秒数")] = 120.0,
    retries: Annotated[int, typer.Option(min=0, help="Retries on transport errors. / 传输错误时的重试次数")] = 2,
    k: Annotated[
        int | None,
        typer.Option(help="k of pass^k for the levels (default: repeats). / 等级评定的 k（默认等于 repeats）"),
    ] = None,
    level_threshold: Annotated[
        float, typer.Option(help="Per-case pass^k needed for a level. / 达到等级所需的每用例 pass^k")
    ] = 0.9,
    judge_model: Annotated[
        str | None, typer.Option(help="LLM judge for rubric checks (another model). / 评审模型（须为另一模型）")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not reuse recorded responses. / 不复用已记录的响应")
    ] = False,
    price_in: Annotated[
        float, typer.Option(help="USD per million prompt tokens, for the cost figure. / 每百万输入词元的美元价格")
    ] = 0.0,
    price_out: Annotated[
        float, typer.Option(help="USD per million completion tokens. / 每百万输出词元的美元价格")
    ] = 0.0,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Also write JUnit XML here, for CI systems. / 另写 JUnit XML")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON. / 以JSON输出")] = False,
) -> int:
    """Run suites against a model, grade every case, write report.json / report.html / summary.md.

    对模型运行评测集并评分、写报告
    """
    from contextlib import ExitStack
    from datetime import UTC, datetime

    from evals import (
        EvalError,
        ResponseCache,
        RunSettings,
        build_report,
        compute_golds,
        load_suites,
        write_reports,
    )
    from evals.gold import GOLD, GoldResolver
    from evals.graders import gold_refs
    from evals.reports.markdown import fmt_pct

    if model not in ("offline", "openai"):
        raise EvalError(f"--model must be offline or openai, not {model!r} / 模型只能是 offline 或 openai")
    andon = settings()
    loaded = load_suites(suites)
    run_dir = out or andon.data_home / "evals" / "runs" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    needs_plant = any(gold_refs(c.expect) or not c.expect.route_only for s in loaded for c in s.cases)
    engine = _eval_plant(andon, database, seed, scale) if needs_plant else None
    golds = compute_golds(loaded, GoldResolver(engine, GOLD)) if engine is not None else {}
    run_dir.mkdir(parents=True, exist_ok=True)
    _ensure_documents(andon, loaded)
    with ExitStack() as stack:
        executor = _executor(
            andon,
            loaded,
            model,
            engine,
            run_dir,
            (price_in, price_out),
            workers=workers,
            concurrency=concurrency,
            stack=stack,
        )
        judge = _judge(andon, judge_model, executor.model_id)
        run_settings = RunSettings(
            model_id=executor.model_id,
            seed=seed,
            scale=scale,
            repeats=repeats,
            k=k,
            level_threshold=level_threshold,
            concurrency=concurrency,
            timeout_s=timeout,
            retries=retries,
            judge_model_id=judge.model_id if judge is not None else None,
        )
        cache = None
        if not no_cache:
            import agents
            import connectors
            import knowledge
            import tools
            from evals import source_fingerprint

            system = [Path(str(m.__file__)).parent for m in (agents, tools, connectors, knowledge)]
            cache = ResponseCache(andon.data_home / "evals" / "cache", salt=source_fingerprint(system))
        result = _run(executor, loaded, run_settings, run_dir, golds=golds, cache=cache, judge=judge)
    report = build_report(result.manifest, result.records)
    paths = write_reports(report, run_dir)
    if junit is not None:
        _write_junit(report, junit)
    if andon.state_in_database:
        _index_run(andon, run_dir, ",".join(s.suite for s in loaded), report.model_dump_json())
    summary = report.summary
    threshold = _fail_under(fail_under)
    below = threshold is not None and (summary.pass_rate or 0.0) < threshold
    if json_output:
        print_json(
            {
                "run": str(run_dir),
                "reports": {name: str(path) for name, path in paths.items()},
                "executed": result.executed,
                "cached": result.cache_hits,
                "resumed": result.skipped,
                "summary": summary.model_dump(exclude={"case_results", "latencies_ms"}),
                "cards": [c.model_dump() for c in report.cards],
                "below_fail_under": below,
            }
        )
        return 1 if below else 0
    grades = ", ".join(f"{c.agent} {c.grade or '—'}" for c in report.cards)
    console.print(
        f"{summary.cases} cases, {summary.attempts} attempts ({result.executed} run, {result.cache_hits} cached, "
        f"{result.skipped} resumed) · pass rate {fmt_pct(summary.pass_rate)} · routing "
        f"{fmt_pct(summary.routing_accuracy)} · safety violations {summary.safety_violations}",
        highlight=False,
    )
    console.print(f"levels / 分级: {grades}", highlight=False)
    console.print(f"report / 报告: {paths['html']}", highlight=False)
    if below:
        err_console.print(f"pass rate {fmt_pct(summary.pass_rate)} is below {fmt_pct(threshold)} / 通过率低于阈值")
        return 1
    return 0


def _write_junit(report: Any, path: Path) -> None:
    from evals import EvalError
    from evals.reports import render_junit

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_junit(report), encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"{path}: cannot write the JUnit XML ({exc.strerror}) / 无法写入") from None
    console.print(f"JUnit XML: {path}", highlight=False)


def _index_run(andon: AndonSettings, run_dir: Path, suites: str, report_json: str) -> None:
    """Put the run in the plant database's index of eval runs, which every console worker lists."""
    from ui.console.shared_state import SharedConsoleState
    from ui.system import open_plant

    card = next(iter(sorted(run_dir.glob("*.md"))), None)
    card_text = card.read_text(encoding="utf-8") if card is not None else ""
    SharedConsoleState(open_plant(andon)).index_eval_run(run_dir.name, suites, card_text, report_json)


@eval_app.command("report")
def report_command(
    run: Annotated[Path, typer.Argument(help="Run folder (or its report.json). / 评测运行目录")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON. / 以JSON输出摘要")] = False,
    junit: Annotated[Path | None, typer.Option("--junit", help="Also write JUnit XML here. / 另写 JUnit XML")] = None,
) -> None:
    """Rebuild a run's reports from its results and print the Markdown summary. / 由结果重建报告并输出摘要"""
    from evals import build_report, load_records, load_report, write_reports

    report = load_report(run)
    if run.is_dir():
        report = build_report(report.manifest, load_records(run) or report.attempts)
        write_reports(report, run)
    if junit is not None:
        _write_junit(report, junit)
    if json_output:
        print_json(
            {
                "summary": report.summary.model_dump(exclude={"case_results", "latencies_ms"}),
                "cards": [c.model_dump() for c in report.cards],
            }
        )
        return
    from evals.reports import render_markdown

    print(render_markdown(report))


@eval_app.command("card")
def card_command(
    run: Annotated[Path, typer.Argument(help="Run folder (or its report.json). / 评测运行目录")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the card as JSON. / 以JSON输出")] = False,
) -> None:
    """The classification & grading card of a run: each agent's category and earned level. / 分类分级卡"""
    from evals import card_json, load_report
    from evals.reports.markdown import fmt_pct

    report = load_report(run)
    summary = report.summary
    router = {
        "accuracy": summary.routing_accuracy,
        "macro_f1": summary.routing_macro_f1,
        "multi_domain_exact_set": summary.multi_domain_exact_set,
        "out_of_scope_recall": summary.out_of_scope_recall,
    }
    if json_output:
        print_json(card_json(report.cards, router))
        return
    from rich.table import Table

    table = Table("agent / 智能体", "category / 分类", "level / 分级", *(f"{lvl}" for lvl in ("L1", "L2", "L3", "L4")))
    for card in report.cards:
        category = card.category
        what = (
            f"{category.value_chain_zh} × {'/'.join(category.isa95_levels)} × {category.risk_class}"
            if category
            else "—"
        )
        cells = {status.level: status for status in card.levels}
        shown = []
        for level in ("L1", "L2", "L3", "L4"):
            status = cells.get(level)
            shown.append("—" if status is None or not status.cases else f"{status.passing_cases}/{status.cases}")
        table.add_row(card.agent, what, card.grade or "—", *shown)
    console.print(table)
    shown_router = ", ".join(f"{name} {fmt_pct(value)}" for name, value in router.items() if value is not None)
    console.print(f"router / 路由: {shown_router}", markup=False)


@eval_app.command("compare")
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="The earlier run (folder or report.json). / 较早的运行")],
    run_b: Annotated[Path, typer.Argument(help="The later run. / 较晚的运行")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON. / 以JSON输出对比")] = False,
) -> None:
    """What got better and what regressed, case by case, from run A to run B. / 逐用例对比两次运行的改进与退步"""
    from evals import compare_runs, comparison_markdown, load_report

    comparison = compare_runs(load_report(run_a), load_report(run_b))
    if json_output:
        print_json(comparison.model_dump())
    else:
        print(comparison_markdown(comparison))


@eval_app.command("import")
def import_command(
    source: Annotated[
        str,
        typer.Argument(
            help="assetopsbench:/path/to/scenarios (or assetopsbench+behaviour:...). / AssetOpsBench 场景路径"
        ),
    ],
    out: Annotated[Path, typer.Option(help="Write the suite as YAML here. / 评测集 YAML 的写入位置")],
) -> None:
    """Convert an external benchmark into a suite file (evaluation only, never training data).

    将外部基准转换为评测集文件
    """
    import yaml

    from evals.importers import import_external

    suite = import_external(source)
    data = suite.model_dump(mode="json", exclude_defaults=True)
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    console.print(f"{len(suite.cases)} cases / 条用例 → {out}", highlight=False)


@eval_app.command("list")
def list_command(
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output. / 以JSON输出")] = False,
) -> None:
    """The built-in suites with their case counts. / 内置评测集及用例数"""
    from evals import builtin_suites, load_suite

    suites = [load_suite(path) for path in builtin_suites()]
    if json_output:
        print_json([{"suite": s.suite, "cases": len(s.cases), "description": s.description} for s in suites])
        return
    for suite in suites:
        console.print(f"{suite.suite:<22} {len(suite.cases):>4} cases / 条  {suite.description}", highlight=False)


@eval_app.command("validate")
def validate_command(
    suites: Annotated[list[str], typer.Argument(help="Suite files or built-in names. / 评测集文件或内置名称")],
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output. / 以JSON输出")] = False,
) -> None:
    """Check suite files against the schema without running anything. / 校验评测集文件"""
    from evals import load_suites

    loaded = load_suites(suites)
    if json_output:
        print_json([{"suite": s.suite, "cases": len(s.cases), "valid": True} for s in loaded])
        return
    for suite in loaded:
        console.print(f"{suite.suite}: {len(suite.cases)} cases ok / 校验通过", highlight=False)
