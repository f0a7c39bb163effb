"""Eval harness figures: throughput against the scripted OpenAI-compatible server, and the offline
model's classification & grading card on the built-in suites.

    python benchmarks/evals.py                   # throughput table (3 rounds), full assistant, offline card
    python benchmarks/evals.py --skip-card --rounds 1

Throughput: 1,000 cases, one model call each, 200 ms per call, concurrency 32, against the scripted
server in its own process (as a real endpoint would be). Ideal = model calls x latency / concurrency;
the goal is a wall time within 1.15x of it in one process. Rows, interleaved in each round:

- runner only: the executor just waits; what is left is the runner (grading, JSONL, cache keys).
- sync client in threads: `AssistantExecutor` with the model the assistant uses (`make_openai_chat_model`,
  streaming), the way `andon eval run --model openai` calls the assistant; in one process, and in
  `--workers` processes (`evals.ProcessExecutor`, what `andon eval run --workers N` uses).
- async client: the same model awaited on the event loop.

Then one row at 1 s per call in one process: at the pace of a real LLM the client's CPU per call
(~6 ms) no longer matters and one process is enough.

Full assistant: the composition `andon eval run --model openai --workers N` builds (safety rules, tier-1
router, domain agent, tools on the small plant, grounding), each case a tool call and an answer. Its
figure is bounded by CPU per case on this machine (the router's embedding, the agent graph, the client),
not by the harness: compare its "x ideal" with the rows above.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Run as `python benchmarks/evals.py`, this file's folder comes first on sys.path and its name would
# shadow the `evals` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from agents.events import FinalAnswer, Routed, Usage  # noqa: E402
from agents.models.openai_compatible import LLMConfig, make_openai_chat_model  # noqa: E402
from agents.testing import ScriptedRequest, ScriptedServer, ScriptedTurn, call_tool, reply  # noqa: E402
from evals import AssistantExecutor, RunSettings, build_report, run_suites  # noqa: E402
from evals.schema import CaseSpec, SuiteSpec  # noqa: E402


def _suite(n: int) -> SuiteSpec:
    cases = [
        {
            "id": f"bench-{i:04d}",
            "input": f"What was the OEE of line {i % 4 + 1} yesterday? (#{i})",
            "level": "L2",
            "expect": {"domains": ["production"], "answer": [{"contains": ["OEE"]}]},
        }
        for i in range(n)
    ]
    return SuiteSpec.model_validate({"suite": "bench", "cases": cases})


def _script(request: ScriptedRequest) -> ScriptedTurn:
    return reply("OEE of the line was 71.3 %.")


def _serve(latency_s: float, urls: Any, stop: Any, counts: Any, script: Any = None) -> None:
    """Runs in the endpoint's process."""
    import socketserver

    # socketserver's listen backlog is 5: with 32 clients connecting at once the kernel drops SYNs and the
    # client retries a second later, which measures TCP back-off instead of the harness.
    socketserver.TCPServer.request_queue_size = 128
    with ScriptedServer(script or _script, latency_s=latency_s) as server:
        urls.put(server.base_url)
        stop.wait()
        counts.put(len(server.chat_requests))


class _Sleeper:
    """Waits the call latency without any client or server: what is left is the runner's own overhead."""

    model_id = "sleeper"

    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s
        self.calls = 0

    async def run(self, case: CaseSpec, attempt: int) -> Any:
        from evals import CaseOutcome

        self.calls += 1
        await asyncio.sleep(self.latency_s)
        return CaseOutcome(
            domains=["production"], answer="OEE of the line was 71.3 %.", latency_ms=self.latency_s * 1000
        )


class _AsyncClient:
    """One model call per case with the async OpenAI client on the runner's own event loop (no threads)."""

    model_id = "openai:scripted"

    def __init__(self, model: Any) -> None:
        self.model = model

    async def run(self, case: CaseSpec, attempt: int) -> Any:
        from evals import CaseOutcome

        started = time.perf_counter()
        answer = await self.model.ainvoke(case.messages[0])
        return CaseOutcome(
            domains=["production"], answer=str(answer.content), latency_ms=(time.perf_counter() - started) * 1000
        )


def runner_only(n: int, latency_s: float, concurrency: int) -> dict[str, float]:
    """The same suite, grading and JSONL writes, with an executor that only waits."""
    executor = _Sleeper(latency_s)
    figures = _timed_run(executor, n, concurrency)
    return _with_ideal(figures, executor.calls, latency_s, concurrency)


def _with_ideal(
    figures: dict[str, float],
    calls: int,
    latency_s: float,
    concurrency: int,
    startup_s: float = 0.0,
    worker_cpu_s: float | None = None,
) -> dict[str, float]:
    """A run's figures plus the model calls, the ideal wall time, start-up and the workers' CPU (-1: none)."""
    return {
        **figures,
        "calls": calls,
        "ideal_s": calls * latency_s / concurrency,
        "startup_s": startup_s,
        "worker_cpu_s": -1.0 if worker_cpu_s is None else worker_cpu_s,
    }


class _OneCallRecipe:
    """Builds, in whichever process runs the cases, an executor that makes one model call per case with
    the model the assistant uses (`make_openai_chat_model`): through `AssistantExecutor` (the sync client
    in worker threads, as the assistant calls it) or with the async client on the event loop."""

    def __init__(self, base_url: str, client: str) -> None:
        self.base_url = base_url
        self.client = client

    def __call__(self, worker_index: int) -> Any:
        model = make_openai_chat_model(LLMConfig(base_url=self.base_url, model="scripted", max_retries=0))
        if self.client == "async":
            return _AsyncClient(model)

        def ask(case: CaseSpec, message: str, session_id: str) -> list[Any]:
            started = time.perf_counter()
            answer = model.invoke(message)
            return [
                Routed(domains=["production"], confidence=1.0, kind="single"),
                FinalAnswer(
                    text=str(answer.content),
                    usage=Usage(input_tokens=20, output_tokens=8),
                    latency_ms=(time.perf_counter() - started) * 1000,
                ),
            ]

        return AssistantExecutor(ask, "openai:scripted")


class _ScriptedEndpoint:
    """The scripted server in its own process, as a real endpoint would be (no GIL shared with the harness)."""

    def __init__(self, latency_s: float, script: Any = None) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._urls, self._counts, self._stop = context.Queue(), context.Queue(), context.Event()
        self._process = context.Process(
            target=_serve, args=(latency_s, self._urls, self._stop, self._counts, script), daemon=True
        )

    def __enter__(self) -> str:
        self._process.start()
        return str(self._urls.get(timeout=60))

    def calls(self) -> int:
        """Stop the server and return how many chat completions it answered."""
        self._stop.set()
        return int(self._counts.get(timeout=60))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(timeout=10)


def throughput(
    n: int, latency_s: float, concurrency: int, *, client: str = "threads", workers: int = 1
) -> dict[str, float]:
    """n cases, one model call each against the scripted server, in this process or in worker processes."""
    endpoint = _ScriptedEndpoint(latency_s)
    with endpoint as base_url:
        return _measure(_OneCallRecipe(base_url, client), endpoint, n, latency_s, concurrency, workers)


def _measure(
    recipe: Any,
    endpoint: _ScriptedEndpoint,
    n: int,
    latency_s: float,
    concurrency: int,
    workers: int,
    suite: SuiteSpec | None = None,
) -> dict[str, float]:
    """Play the cases with the executor `recipe` builds: here (1 worker) or in worker processes."""
    from evals import ProcessExecutor

    pool: ProcessExecutor | None = None
    startup = 0.0
    if workers > 1:
        started = time.perf_counter()
        pool = ProcessExecutor(recipe, model_id="openai:scripted", workers=workers, concurrency=concurrency)
        executor: Any = pool.start()
        startup = time.perf_counter() - started
    else:
        executor = recipe(0)
    try:
        figures = _timed_run(executor, n, concurrency, suite)
    finally:
        if pool is not None:
            pool.close()
    worker_cpu = pool.worker_cpu_s if pool is not None else None
    return _with_ideal(figures, endpoint.calls(), latency_s, concurrency, startup, worker_cpu)


def _timed_run(executor: Any, n: int, concurrency: int, suite: SuiteSpec | None = None) -> dict[str, float]:
    settings = RunSettings(model_id=executor.model_id, concurrency=concurrency, timeout_s=60, retries=0)
    with tempfile.TemporaryDirectory() as out:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = asyncio.run(run_suites([suite or _suite(n)], executor, settings, Path(out)))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        report = build_report(result.manifest, result.records)
    return {
        "cases": len(result.records),
        "wall_s": wall,
        "cpu_s": cpu,
        "errors": sum(1 for r in result.records if r.outcome.error),
        "pass_rate": report.summary.pass_rate or 0.0,
        "p50_ms": report.summary.latency_p50_ms or 0.0,
        "p95_ms": report.summary.latency_p95_ms or 0.0,
    }


def _assistant_script(request: ScriptedRequest) -> ScriptedTurn:
    """A data question as an LLM answers it: call the OEE tool, then answer from its result."""
    last = request.messages[-1] if request.messages else {}
    if last.get("role") == "tool":
        return reply("The OEE of the line is in the tool result above.")
    return call_tool("oee", target="L1", period="yesterday")


def full_assistant(n: int, latency_s: float, concurrency: int, workers: int, data_home: Path) -> dict[str, float]:
    """The real `andon eval run --model openai` composition (safety rules, router, domain agent, tools,
    grounding) on the small plant, each case's LLM turns played by the scripted server."""
    from connectors import DatabaseConfig, has_plant, open_engine, seed_plant
    from ui.config import AndonSettings
    from ui.eval_executors import AssistantRecipe, run_proposal_store

    plant = data_home / "bench-assistant-plant.db"
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{plant}"))
    if not has_plant(engine):
        seed_plant(engine, scale="small", seed=7)
    engine.dispose()
    cases = [
        {
            "id": f"assistant-{i:04d}",
            "input": f"What was the OEE of line {i % 4 + 1} yesterday?",
            "level": "L2",
            "expect": {"domains": ["production"], "tool_calls": [{"name": "oee"}], "answer": [{"contains": ["OEE"]}]},
        }
        for i in range(n)
    ]
    suite = SuiteSpec.model_validate({"suite": "bench-assistant", "cases": cases})
    endpoint = _ScriptedEndpoint(latency_s, _assistant_script)
    with endpoint as base_url:
        settings = AndonSettings(data_home=data_home, llm_base_url=base_url, llm_model="scripted", llm_max_retries=0)
        recipe = AssistantRecipe(
            settings=settings, model="openai", database_url=f"sqlite:///{plant}", audit_path=data_home / "audit.jsonl"
        )
        run_proposal_store(data_home)  # created once here, opened by every worker
        return _measure(recipe, endpoint, n, latency_s, concurrency, workers, suite)


def offline_card(data_home: Path, workers: int) -> int:
    """Run the built-in suites on the offline model through `andon eval run` and print the card."""
    from evals import builtin_suites, load_report
    from ui.cli import main

    os.environ["ANDON_DATA_HOME"] = str(data_home)
    out = data_home / "bench-offline-run"
    if out.exists():
        shutil.rmtree(out)  # a fresh run, not a resumed one
    extra = ["--no-cache", "--workers", str(workers), "--concurrency", str(2 * workers)]
    started = time.perf_counter()
    try:
        main(["eval", "run", *[str(p) for p in builtin_suites()], "--model", "offline", "--out", str(out), *extra])
    except SystemExit as exc:
        code = int(exc.code or 0)
        if code == 2:
            return code
    wall = time.perf_counter() - started
    report = load_report(out)
    s = report.summary
    print(
        f"\noffline model on the built-in suites ({s.cases} cases, {workers} workers, {wall:.0f} s including router "
        "training and worker start):"
    )
    print(
        f"  pass rate {s.pass_rate:.1%}, routing accuracy {s.routing_accuracy:.1%}, macro-F1 {s.routing_macro_f1:.1%}"
    )
    print(
        f"  tool calls {_pct(s.tool_call_accuracy)}, answers {_pct(s.answer_accuracy)}, citations "
        f"{_pct(s.citation_accuracy)}, safety violations {s.safety_violations}, ungrounded numbers "
        f"{s.ungrounded_numbers}"
    )
    print(f"  latency p50 {s.latency_p50_ms:.0f} ms, p95 {s.latency_p95_ms:.0f} ms")
    print("  classification & grading card / 分类分级卡:")
    for card in report.cards:
        levels = " ".join(
            f"{st.level}:{'n/a' if st.met is None else ('ok' if st.met else 'x')}({st.passing_cases}/{st.cases})"
            for st in card.levels
        )
        category = card.category
        cat = (
            f"{category.value_chain} x {'/'.join(category.isa95_levels) or '-'} x {category.risk_class}"
            if category
            else "-"
        )
        print(f"    {card.agent:<13} grade {card.grade or 'none':<5} [{cat}]  {levels}")
    print(f"  report: {out / 'report.html'}")
    return 0


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per model call")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the multi-process rows")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the throughput table (medians printed)")
    parser.add_argument("--slow-latency", type=float, default=1.0, help="seconds per call of the one-process row")
    parser.add_argument("--assistant-cases", type=int, default=200, help="cases through the full assistant")
    parser.add_argument("--skip-card", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-assistant", action="store_true")
    parser.add_argument("--data-home", type=Path, default=Path(tempfile.gettempdir()) / "andon-bench-evals")
    args = parser.parse_args()
    args.data_home.mkdir(parents=True, exist_ok=True)
    medians = _throughput_table(args) if not args.skip_throughput else {}
    if not args.skip_throughput and args.slow_latency > 0:
        n = 20 * args.concurrency
        print(
            f"\n[at {args.slow_latency:g} s per call (an LLM's usual pace): {n} cases, concurrency {args.concurrency}, "
            "one process]"
        )
        _print_header()
        figures = throughput(n, args.slow_latency, args.concurrency, client="threads", workers=1)
        _print_row("sync client in threads (AssistantExecutor)", 1, figures)
    if not args.skip_assistant:
        n = args.assistant_cases
        print(
            f"\n[full assistant as `andon eval run --model openai --workers {args.workers}` composes it: {n} cases, "
            "each an OEE tool call and an answer (2 LLM calls), small plant]"
        )
        _print_header()
        figures = full_assistant(n, args.latency, args.concurrency, args.workers, args.data_home)
        _print_row("safety, router, domain agent, tool, grounding", args.workers, figures)
        if figures["worker_cpu_s"] < 0:
            print("  the workers did not report their CPU (one was terminated)")
        else:
            per_case = figures["worker_cpu_s"] / figures["cases"]
            floor = figures["cases"] * per_case / (os.cpu_count() or 1)
            print(
                f"  the workers used {per_case * 1000:.0f} ms CPU per case: on {os.cpu_count()} cores "
                f"no harness can play these {figures['cases']} cases in less than {floor:.1f} s of CPU time "
                f"alone, {floor / figures['ideal_s']:.2f}x ideal"
            )
    status = 0 if args.skip_card else offline_card(args.data_home, args.workers)
    if medians:
        # The assistant's real client (the sync model in AssistantExecutor's threads), as `andon eval run` uses it.
        one, many = medians[("threads", 1)], medians[("threads", args.workers)]
        print(f"\nevals: one-process {one:.2f}\u00d7 ideal, workers {many:.2f}\u00d7 ideal")
    return status


def _throughput_table(args: argparse.Namespace) -> dict[tuple[str, int], float]:
    """Every path once per round, interleaved so that they share the machine's moods; then the medians
    (returned as x ideal per (client, workers))."""
    n, latency, concurrency, workers = args.cases, args.latency, args.concurrency, args.workers
    print(
        f"[eval harness throughput: {n} cases, one model call each at {latency * 1000:.0f} ms, concurrency "
        f"{concurrency}; ideal = calls x latency / concurrency; goal <= 1.15x ideal; {args.rounds} round(s)]"
    )
    paths: list[tuple[str, int, Any]] = [
        ("runner only (executor waits; no client, no server)", 1, lambda: runner_only(n, latency, concurrency))
    ]
    clients = ["runner"]
    for client, title in (("threads", "sync client in threads (AssistantExecutor)"), ("async", "async client")):
        for count in dict.fromkeys((1, workers)):
            paths.append(
                (title, count, lambda c=client, w=count: throughput(n, latency, concurrency, client=c, workers=w))
            )
            clients.append(client)
    ratios: dict[int, list[float]] = {i: [] for i in range(len(paths))}
    _print_header()
    for round_no in range(args.rounds):
        for i, (title, count, measure) in enumerate(paths):
            figures = measure()
            ratios[i].append(figures["wall_s"] / figures["ideal_s"] if figures["ideal_s"] else float("inf"))
            _print_row(f"{title} #{round_no + 1}", count, figures)
    print(f"  median x ideal over {args.rounds} round(s):")
    medians: dict[tuple[str, int], float] = {}
    for i, (title, count, _) in enumerate(paths):
        each = ", ".join(f"{r:.2f}" for r in ratios[i])
        median = statistics.median(ratios[i])
        medians[(clients[i], count)] = median
        verdict = "meets" if median <= 1.15 else "misses"
        print(
            f"    {title:<52} workers {count}: {median:.2f}x ideal, efficiency {1 / median:.0%}, {verdict} the "
            f"1.15x goal  (rounds: {each})"
        )
    return medians


def _print_header() -> None:
    print(
        f"  {'path':<52} {'workers':>7} {'calls':>6} {'wall s':>7} {'ideal s':>7} {'x ideal':>7} "
        f"{'case p50/p95 ms':>16} {'parent CPU ms/case':>18} {'worker CPU ms/case':>18} {'passed':>6} "
        f"{'startup s':>9}"
    )


def _print_row(title: str, workers: int, f: dict[str, float]) -> None:
    if not f["calls"]:
        print(f"  {title:<52} {workers:>7}: no model call reached the server ({f['pass_rate']:.0%} passed)")
        return
    ratio = f["wall_s"] / f["ideal_s"]
    latency = f"{f['p50_ms']:.0f}/{f['p95_ms']:.0f}"
    # Worker processes report the CPU they used playing cases when they stop; "-" when the cases ran in process.
    worker = "-" if f["worker_cpu_s"] < 0 else f"{f['worker_cpu_s'] / f['cases'] * 1000:.1f}"
    print(
        f"  {title:<52} {workers:>7} {f['calls']:>6.0f} {f['wall_s']:>7.2f} {f['ideal_s']:>7.2f} {ratio:>6.2f}x "
        f"{latency:>16} {f['cpu_s'] / f['cases'] * 1000:>18.1f} {worker:>18} {f['pass_rate']:>6.0%} "
        f"{f['startup_s']:>9.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())
