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
    pass

__all__ = ["eval_app"]

eval_app = typer.Typer(
    help="Evaluate agents: run suites, grade levels (分类分级), write reports, compare runs.", no_args_is_help=True
)


def _fail_under(value: float | None) -> float | None:
    # 0.9 and 90 both mean 90 %.
    if value is None:
        return None
    return value / 100.0 if value > 1 else value


class _ProgressBar:
    """The run's progress on stderr: notes as lines, attempts as a bar."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("[bold]eval[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console
        )
        self.task = self.bar.add_task("cases", total=None)
        self.running = False

    def note(self, message: str) -> None:
        err_console.print(message, highlight=False)

    def started(self, total: int) -> None:
        self.bar.start()
        self.running = True
        self.bar.update(self.task, total=total)

    def stop(self) -> None:
        """Stop the bar if it ever started (stopping an unstarted bar prints an empty line)."""
        if self.running:
            self.bar.stop()
            self.running = False

    def recorded(self, record: Any) -> None:
        self.bar.advance(self.task)


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
    from evals.reports.markdown import fmt_pct
    from ui.evaluation import EvalRequest, run_evaluation

    request = EvalRequest(
        suites=suites,
        model=model,
        repeats=repeats,
        concurrency=concurrency,
        workers=workers,
        out=out,
        seed=seed,
        scale=scale,
        database=database,
        timeout_s=timeout,
        retries=retries,
        k=k,
        level_threshold=level_threshold,
        judge_model=judge_model,
        use_cache=not no_cache,
        prices_per_mtok=(price_in, price_out),
    )
    bar = _ProgressBar()
    try:
        result = run_evaluation(settings(), request, progress=bar)
    finally:
        bar.stop()
    report, paths, run_dir = result.report, result.paths, result.run_dir
    if junit is not None:
        _write_junit(report, junit)
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
                "resumed": result.resumed,
                "summary": summary.model_dump(exclude={"case_results", "latencies_ms"}),
                "cards": [c.model_dump() for c in report.cards],
                "below_fail_under": below,
            }
        )
        return 1 if below else 0
    grades = ", ".join(f"{c.agent} {c.grade or '—'}" for c in report.cards)
    console.print(
        f"{summary.cases} cases, {summary.attempts} attempts ({result.executed} run, {result.cache_hits} cached, "
        f"{result.resumed} resumed) · pass rate {fmt_pct(summary.pass_rate)} · routing "
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
