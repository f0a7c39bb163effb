"""Eval harness figures: throughput against the scripted OpenAI-compatible server, and the offline
model's classification & grading card on the built-in suites.

    python benchmarks/evals.py                 # 1,000 cases, 200 ms per call, concurrency 32, then the card
    python benchmarks/evals.py --skip-card     # throughput only

Efficiency = ideal / wall, with ideal = model calls x latency / concurrency (goal: wall <= 1.3 x ideal).
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
from agents.testing import ScriptedRequest, ScriptedServer, ScriptedTurn, reply  # noqa: E402
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


def _serve(latency_s: float, urls: Any, stop: Any, counts: Any) -> None:
    """The scripted server in its own process, as a real endpoint would be (no GIL shared with the harness)."""
    import socketserver

    # socketserver's listen backlog is 5: with 32 clients connecting at once the kernel drops SYNs and the
    # client retries a second later, which measures TCP back-off instead of the harness.
    socketserver.TCPServer.request_queue_size = 128
    with ScriptedServer(_script, latency_s=latency_s) as server:
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
    settings = RunSettings(model_id=executor.model_id, concurrency=concurrency, timeout_s=30)
    with tempfile.TemporaryDirectory() as out:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = asyncio.run(run_suites([_suite(n)], executor, settings, Path(out)))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        report = build_report(result.manifest, result.records)
    ideal = executor.calls * latency_s / concurrency
    return {
        "cases": n,
        "calls": executor.calls,
        "wall_s": wall,
        "ideal_s": ideal,
        "ratio": wall / ideal,
        "cpu_s": cpu,
        "pass_rate": report.summary.pass_rate or 0.0,
        "p50_ms": report.summary.latency_p50_ms or 0.0,
        "p95_ms": report.summary.latency_p95_ms or 0.0,
    }


def throughput(n: int, latency_s: float, concurrency: int, *, client: str = "threads") -> dict[str, float]:
    """n cases, one model call each against the scripted server: through the assistant executor (a sync
    client in worker threads, as the assistant calls its model) or with the async client on the event loop."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    urls, counts, stop = context.Queue(), context.Queue(), context.Event()
    process = context.Process(target=_serve, args=(latency_s, urls, stop, counts), daemon=True)
    process.start()
    try:
        base_url = urls.get(timeout=60)
        model = make_openai_chat_model(LLMConfig(base_url=base_url, model="scripted", max_retries=0))

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

        executor: Any = AssistantExecutor(ask, "openai:scripted") if client == "threads" else _AsyncClient(model)
        settings = RunSettings(model_id="openai:scripted", concurrency=concurrency, timeout_s=30)
        with tempfile.TemporaryDirectory() as out:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = asyncio.run(run_suites([_suite(n)], executor, settings, Path(out)))
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            report = build_report(result.manifest, result.records)
        stop.set()
        calls = int(counts.get(timeout=60))
    finally:
        stop.set()
        process.join(timeout=10)
    ideal = calls * latency_s / concurrency
    return {
        "cases": n,
        "calls": calls,
        "wall_s": wall,
        "ideal_s": ideal,
        "ratio": wall / ideal,
        "cpu_s": cpu,
        "pass_rate": report.summary.pass_rate or 0.0,
        "p50_ms": report.summary.latency_p50_ms or 0.0,
        "p95_ms": report.summary.latency_p95_ms or 0.0,
    }


def offline_card(data_home: Path) -> int:
    """Run the built-in suites on the offline model through `andon eval run` and print the card."""
    from evals import builtin_suites, load_report
    from ui.cli import main

    os.environ["ANDON_DATA_HOME"] = str(data_home)
    out = data_home / "bench-offline-run"
    started = time.perf_counter()
    try:
        main(["eval", "run", *[str(p) for p in builtin_suites()], "--model", "offline", "--out", str(out)])
    except SystemExit as exc:
        code = int(exc.code or 0)
        if code == 2:
            return code
    wall = time.perf_counter() - started
    report = load_report(out)
    s = report.summary
    print(f"\noffline model on the built-in suites ({s.cases} cases, {wall:.0f} s including router training):")
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
    parser.add_argument("--skip-card", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--data-home", type=Path, default=Path(tempfile.gettempdir()) / "andon-bench-evals")
    args = parser.parse_args()
    if not args.skip_throughput:
        _print_throughput(throughput(args.cases, args.latency, args.concurrency), args, "scripted server")
        async_figures = throughput(args.cases, args.latency, args.concurrency, client="async")
        _print_throughput(async_figures, args, "async client")
        _print_throughput(runner_only(args.cases, args.latency, args.concurrency), args, "runner only")
    if args.skip_card:
        return 0
    return offline_card(args.data_home)


def _print_throughput(figures: dict[str, float], args: argparse.Namespace, mode: str) -> None:
    titles = {
        "scripted server": "scripted OpenAI-compatible server (own process), sync client in worker threads",
        "async client": "scripted OpenAI-compatible server (own process), async client on the runner's event loop",
        "runner only": "runner only: the executor just waits the latency (no client, no server)",
    }
    print(f"[{titles[mode]}]")
    print(
        f"  {figures['cases']} cases, {figures['calls']} model calls at {args.latency * 1000:.0f} ms, concurrency "
        f"{args.concurrency}: wall {figures['wall_s']:.2f} s, ideal {figures['ideal_s']:.2f} s, "
        f"{figures['ratio']:.2f}x ideal (goal <= 1.3x), efficiency {1 / figures['ratio']:.0%}; "
        f"pass rate {figures['pass_rate']:.0%}, case latency p50 {figures['p50_ms']:.0f} ms / "
        f"p95 {figures['p95_ms']:.0f} ms; harness process CPU {figures['cpu_s']:.1f} s "
        f"({figures['cpu_s'] / figures['cases'] * 1000:.1f} ms per case: client, executor, grading, JSONL)"
    )


if __name__ == "__main__":
    sys.exit(main())
