"""Running an evaluation: the plant the run grades against, the documents it needs, the executor (the router
for routing-only cases, the assistant in this process or in worker processes for the rest), the judge, the
response cache, the run itself and its reports.

One module for every caller: `andon eval run` (with a progress bar), the console's Evaluations tab (in its
own process, with Gradio's progress bar) and the tests. `build_executor` is the composition seam: a caller
that plays the cases some other way (a scripted executor in a test) passes its own `executor_factory`.

    result = run_evaluation(settings, EvalRequest(suites=["production"], out=Path("run")))
    result.report.summary.pass_rate, result.paths["html"]
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from evals import AttemptRecord, CaseExecutor, Judge, RunReport, SuiteSpec
    from ui.config import AndonSettings

__all__ = [
    "EvalModel",
    "EvalProgress",
    "EvalRequest",
    "EvalResult",
    "ExecutorFactory",
    "build_executor",
    "index_run",
    "run_evaluation",
]

EvalModel = Literal["offline", "openai"]


@dataclass(frozen=True)
class EvalRequest:
    """What to run and how: the `andon eval run` options as one value."""

    suites: list[str]
    model: str = "offline"
    repeats: int = 1
    concurrency: int = 8
    workers: int = 1
    out: Path | None = None  # default: a new folder under <data home>/evals/runs
    seed: int = 7
    scale: str = "small"
    database: str | None = None  # grade against this plant instead of a seeded demo plant
    timeout_s: float = 120.0
    retries: int = 2
    k: int | None = None
    level_threshold: float = 0.9
    judge_model: str | None = None
    use_cache: bool = True
    prices_per_mtok: tuple[float, float] = (0.0, 0.0)


class EvalProgress(Protocol):
    """What a caller hears while a run goes: notes (seeding, ingesting, starting workers), the number of
    attempts once known, and each attempt as it is recorded."""

    def note(self, message: str) -> None: ...

    def started(self, total: int) -> None: ...

    def recorded(self, record: AttemptRecord) -> None: ...


@dataclass
class _Silent:
    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        self.notes.append(message)

    def started(self, total: int) -> None:
        pass

    def recorded(self, record: AttemptRecord) -> None:
        pass


@dataclass(frozen=True)
class EvalResult:
    """A finished run: its folder, its report, the report files and how the attempts were obtained."""

    run_dir: Path
    report: RunReport
    paths: dict[str, Path]
    executed: int
    cache_hits: int
    resumed: int


#: (settings, request, suites, plant engine or None, run folder, exit stack) -> the executor of the run.
ExecutorFactory = Callable[
    ["AndonSettings", EvalRequest, "list[SuiteSpec]", "Engine | None", Path, ExitStack, EvalProgress],
    "CaseExecutor",
]


def run_evaluation(
    andon: AndonSettings,
    request: EvalRequest,
    *,
    progress: EvalProgress | None = None,
    executor_factory: ExecutorFactory | None = None,
) -> EvalResult:
    """Load the suites, compute the golds on the plant, play and grade every case, write the reports and,
    when state lives in the plant database, index the run for every console worker. Raises `EvalError`
    (or `JudgeError`) with a one-line message for bad input."""
    from evals import EvalError, RunSettings, build_report, compute_golds, load_suites, write_reports
    from evals import run_suites as play_suites
    from evals.gold import GOLD, GoldResolver
    from evals.graders import gold_refs

    if request.model not in ("offline", "openai"):
        raise EvalError(f"--model must be offline or openai, not {request.model!r} / 模型只能是 offline 或 openai")
    listener = progress or _Silent()
    factory = executor_factory or build_executor
    suites = load_suites(request.suites)
    run_dir = request.out or andon.data_home / "evals" / "runs" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    needs_plant = any(gold_refs(c.expect) or not c.expect.route_only for s in suites for c in s.cases)
    engine = _eval_plant(andon, request, listener) if needs_plant else None
    golds = compute_golds(suites, GoldResolver(engine, GOLD)) if engine is not None else {}
    run_dir.mkdir(parents=True, exist_ok=True)
    _ensure_documents(andon, suites, listener)
    with ExitStack() as stack:
        executor = factory(andon, request, suites, engine, run_dir, stack, listener)
        judge = _judge(andon, request.judge_model, executor.model_id)
        settings = RunSettings(
            model_id=executor.model_id,
            seed=request.seed,
            scale=request.scale,
            repeats=request.repeats,
            k=request.k,
            level_threshold=request.level_threshold,
            concurrency=request.concurrency,
            timeout_s=request.timeout_s,
            retries=request.retries,
            judge_model_id=judge.model_id if judge is not None else None,
        )
        result = asyncio.run(
            play_suites(
                suites,
                executor,
                settings,
                run_dir,
                golds=golds,
                cache=_cache(andon) if request.use_cache else None,
                judge=judge,
                on_start=listener.started,
                on_record=listener.recorded,
            )
        )
    report = build_report(result.manifest, result.records)
    paths = write_reports(report, run_dir)
    if andon.state_in_database:
        index_run(andon, run_dir, ",".join(s.suite for s in suites), report)
    return EvalResult(run_dir, report, paths, result.executed, result.cache_hits, result.skipped)


def build_executor(
    andon: AndonSettings,
    request: EvalRequest,
    suites: list[SuiteSpec],
    engine: Engine | None,
    out: Path,
    stack: ExitStack,
    progress: EvalProgress,
) -> CaseExecutor:
    """Routing-only cases through the router alone; the rest through the assistant on the eval plant, in this
    process or, with `request.workers` > 1, in that many worker processes (closed with `stack`). Proposals
    raised during the run go to the run's own store and its audit to `out/audit.jsonl`."""
    from evals import CompositeExecutor, EvalError, ProcessExecutor, RouterExecutor
    from ui.agents_wiring import ModelChoice, tier1_router
    from ui.eval_executors import AssistantRecipe, build_assistant_executor, model_id_of, run_proposal_store
    from ui.system import load_tools

    registry = load_tools(andon)
    router = tier1_router(andon, registry)
    texts = [c.messages[-1] for s in suites for c in s.cases if c.expect.route_only]
    needs_assistant = any(not c.expect.route_only for s in suites for c in s.cases)
    if request.model == "openai" and not andon.llm_configured:
        raise EvalError("--model openai needs llm_base_url and llm_model (andon.toml or ANDON_LLM_*) / 未配置LLM")
    choice: ModelChoice = "openai" if request.model == "openai" else "offline"
    model_id = model_id_of(andon, choice)
    route_executor = RouterExecutor(router, model_id if not needs_assistant else "router")
    route_executor.warm(texts)
    if not needs_assistant or engine is None:
        return route_executor
    audit_path = out / "audit.jsonl"
    if request.workers > 1:
        recipe = AssistantRecipe(
            settings=andon,
            model=choice,
            database_url=engine.url.render_as_string(hide_password=False),
            audit_path=audit_path,
            prices_per_mtok=request.prices_per_mtok,
            router=router,
        )
        run_proposal_store(out)  # created once here, opened by every worker
        progress.note(f"starting {request.workers} eval workers / 正在启动{request.workers}个评测工作进程")
        pool = ProcessExecutor(
            recipe, model_id=model_id, workers=request.workers, concurrency=request.concurrency
        ).start()
        stack.callback(pool.close)
        return CompositeExecutor(route_executor, pool)
    agent_executor = build_assistant_executor(
        andon,
        choice,
        engine,
        registry=registry,
        router=router,
        audit_path=audit_path,
        prices_per_mtok=request.prices_per_mtok,
    )
    return CompositeExecutor(route_executor, agent_executor)


def index_run(andon: AndonSettings, run_dir: Path, suites: str, report: RunReport) -> None:
    """Put a finished run in the plant database's index of eval runs, which every console worker lists."""
    from ui.console.shared_state import SharedConsoleState
    from ui.system import open_plant

    card = next(iter(sorted(run_dir.glob("*.md"))), None)
    card_text = card.read_text(encoding="utf-8") if card is not None else ""
    SharedConsoleState(open_plant(andon)).index_eval_run(run_dir.name, suites, card_text, report.model_dump_json())


def _eval_plant(andon: AndonSettings, request: EvalRequest, progress: EvalProgress) -> Engine:
    """The plant the run grades against: `request.database`, else a seeded demo plant kept in the data home."""
    from connectors import DatabaseConfig, has_plant, open_engine, plant_info, seed_plant
    from evals import EvalError

    if request.database:
        # Only read: proposals raised during the run go to the run's own store (see ui.eval_executors).
        engine = open_engine(DatabaseConfig(url=request.database))
        if not has_plant(engine):
            raise EvalError(f"{request.database}: holds no plant / 数据库中没有工厂数据")
        return engine
    seed, scale = request.seed, request.scale
    path = andon.data_home / "evals" / f"plant-{scale}-{seed}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{path.as_posix()}"))
    if not has_plant(engine):
        progress.note(f"seeding the {scale} demo plant (seed {seed}) for evals / 正在生成评测用工厂数据: {path}")
        seed_plant(engine, scale=scale, seed=seed)
    info = plant_info(engine)
    if (info.seed, info.scale) != (seed, scale):
        raise EvalError(f"{path}: plant has seed {info.seed} ({info.scale}), expected {seed} ({scale})")
    return engine


def _ensure_documents(andon: AndonSettings, suites: list[SuiteSpec], progress: EvalProgress) -> None:
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
    progress.note(f"ingesting the demo documents for evals / 正在导入评测用演示文档: {demo_corpus_path()}")
    index.ingest([demo_corpus_path()])


def _judge(andon: AndonSettings, judge_model: str | None, model_id: str) -> Judge | None:
    from evals import JudgeError, LLMJudge

    if judge_model is None:
        return None
    judge_id = f"openai:{judge_model}"
    if judge_id == model_id or judge_model == model_id:
        raise JudgeError(f"the judge must be a different model from the one under test ({model_id}) / 评审模型须不同")
    if not andon.llm_base_url:
        raise JudgeError("--judge-model needs llm_base_url (andon.toml or ANDON_LLM_BASE_URL) / 未配置LLM端点")
    return LLMJudge(_judge_llm(andon, judge_model), judge_id)


def _judge_llm(andon: AndonSettings, model_name: str) -> Any:
    from pydantic import SecretStr

    from agents.models.openai_compatible import LLMConfig, make_openai_chat_model

    config = LLMConfig(
        base_url=andon.llm_base_url or "",
        model=model_name,
        api_key=andon.llm_api_key or SecretStr("not-needed"),
        timeout_s=andon.llm_timeout_s,
        max_retries=0,  # the eval runner retries transport errors itself
        max_tokens=andon.llm_max_tokens,
        stream=andon.llm_stream,
        extra_body=andon.llm_extra_body,
    )
    return make_openai_chat_model(config)


def _cache(andon: AndonSettings) -> Any:
    """Recorded responses, keyed also by a fingerprint of the system's source: a code change misses."""
    import agents
    import connectors
    import knowledge
    import tools
    from evals import ResponseCache, source_fingerprint

    system = [Path(str(module.__file__)).parent for module in (agents, tools, connectors, knowledge)]
    return ResponseCache(andon.data_home / "evals" / "cache", salt=source_fingerprint(system))
