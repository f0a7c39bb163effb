"""Agent latency figures (printed, not asserted).

1. Offline end to end on the medium demo plant: `Assistant.ask` with the offline model over a fixed
   list of questions (zh + en, every domain), p50 / p95 after one warm-up pass; the tier-1 router's
   share is measured on its own. This tree and a baseline revision (`--baseline-ref`, exported with
   `git archive`) each run in their own process on copies of the same plant, in turns, so both see
   the same load on a shared machine.
2. The runtime's own overhead per turn against the scripted OpenAI-compatible server with zero
   latency: wall time of a tool-calling turn minus the time spent inside the server (and, shown
   separately, minus the tool's own execution).

    python benchmarks/agents.py [--scale medium] [--repeats 3] [--turns 30] [--baseline-ref 3280a39]

Ends with `agents: offline p50 X ms, p95 Y ms` (this tree).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Run as `python benchmarks/agents.py`, this file's folder comes first on sys.path and its name would
# shadow the `agents` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from evals.metrics import percentile  # noqa: E402

QUESTIONS: tuple[str, ...] = (
    "What was the OEE of line 2 yesterday?",
    "2号线昨天的OEE是多少？",
    "How many parts did line 1 make yesterday?",
    "1号线上周的停机原因帕累托",
    "Scrap rate of line 2 last week",
    "2号线昨天的一次合格率",
    "What is the MTBF of CNC-03 over the last 90 days?",
    "2号线有哪些未完成的维修工单？",
    "List alarms on CNC-03 yesterday",
    "3号数控机床最近14天主轴振动趋势",
    "Which materials are below their reorder point?",
    "哪些采购订单逾期了？",
    "How do I do the lockout/tagout on CNC-03?",
    "报警E-217怎么处理？",
)


def _line(label: str, values: Sequence[float]) -> str:
    return (
        f"{label:<56} p50 {statistics.median(values):8.1f} ms   p95 {percentile(values, 95):8.1f} ms   n={len(values)}"
    )


def _settings(home: Path) -> Any:
    from ui.config import AndonSettings

    return AndonSettings(data_home=home)


def _seed(home: Path, scale: str) -> None:
    from connectors import DatabaseConfig, open_engine, seed_plant

    home.mkdir(parents=True, exist_ok=True)
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{home / 'plant.db'}"))
    started = time.perf_counter()
    seed_plant(engine, scale=scale, seed=7)
    engine.dispose()
    print(f"seeded the {scale} plant in {time.perf_counter() - started:.1f} s")


_MARK = "@@bench "
_ROOT = Path(__file__).resolve().parents[1]
_PACKAGES = ("connectors", "knowledge", "tools", "agents", "evals", "ui")


class _OfflinePasses:
    """One implementation's offline assistant, asked the questions one pass at a time."""

    def __init__(self, home: Path) -> None:
        from ui.agents_wiring import agent_system, tier1_router
        from ui.system import tool_system

        settings = _settings(home)
        tools = tool_system(settings)
        started = time.perf_counter()
        self.router = tier1_router(settings, tools.registry)
        self.trained_s = time.perf_counter() - started
        self.system = agent_system(settings, model="offline", router=self.router, tools=tools)

    def run_pass(self) -> dict[str, Any]:
        from agents.events import FinalAnswer, ToolFinished

        route_ms: list[float] = []
        turn_ms: list[float] = []
        cpu_ms: list[float] = []  # of the whole process (every thread): robust to a busy machine
        answered = grounded = 0
        for question in QUESTIONS:
            t0 = time.perf_counter()
            self.router.route(question)
            t1, c1 = time.perf_counter(), time.process_time()
            events = list(
                self.system.assistant.ask(question, session_id=uuid.uuid4().hex, user="operator", role="operator")
            )
            t2, c2 = time.perf_counter(), time.process_time()
            route_ms.append((t1 - t0) * 1000)
            turn_ms.append((t2 - t1) * 1000)
            cpu_ms.append((c2 - c1) * 1000)
            final = next((e for e in events if isinstance(e, FinalAnswer)), None)
            if final is not None and any(isinstance(e, ToolFinished) and e.status == "ok" for e in events):
                answered += 1
                grounded += not final.ungrounded_numbers
        return {"route_ms": route_ms, "turn_ms": turn_ms, "cpu_ms": cpu_ms, "answered": answered, "grounded": grounded}


def _serve(home: Path) -> None:
    passes = _OfflinePasses(home)
    print(_MARK + json.dumps({"trained_s": passes.trained_s}), flush=True)
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        print(_MARK + json.dumps(passes.run_pass()), flush=True)
    passes.system.close()


class _Worker:
    def __init__(self, label: str, home: Path, pythonpath: Path) -> None:
        self.label = label
        env = {**os.environ, "PYTHONPATH": str(pythonpath), "ANONYMIZED_TELEMETRY": "False"}
        command = [sys.executable, __file__, "--serve-offline", str(home)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.hello = self.read()

    def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(_MARK):
                return dict(json.loads(line[len(_MARK) :]))
        raise RuntimeError(f"{self.label} worker stopped (exit code {self.process.wait()})")

    def run_pass(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write("pass\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        if self.process.poll() is None and self.process.stdin is not None:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            self.process.wait(timeout=60)


def _export(ref: str, into: Path) -> Path:
    """The packages of git revision `ref`, unpacked under `into` (which then goes on PYTHONPATH)."""
    archive = into / "baseline.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "-C", str(_ROOT), "archive", "--format=tar", ref, *_PACKAGES], stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "baseline", filter="data")
    return into / "baseline"


def offline_latency(home: Path, repeats: int, baseline_ref: str) -> tuple[float, float]:
    """Offline p50 / p95 of this tree (returned), printed side by side with the baseline's."""
    scratch = Path(tempfile.mkdtemp(prefix="andon-bench-offline-"))
    trees = {"new": _ROOT}
    if baseline_ref != "none":
        trees["baseline"] = _export(baseline_ref, scratch)
    workers: dict[str, _Worker] = {}
    try:
        for label, tree in trees.items():
            copy = scratch / f"home-{label}"
            copy.mkdir()
            shutil.copy2(home / "plant.db", copy / "plant.db")
            workers[label] = _Worker(label, copy, tree)
            print(f"{label}: tier-1 router trained in {workers[label].hello['trained_s']:.1f} s")
        results: dict[str, list[dict[str, Any]]] = {label: [] for label in workers}
        for repeat in range(repeats + 1):  # pass 0 warms up graphs, tool indexes and caches
            for label, worker in workers.items():
                figures = worker.run_pass()
                if repeat:
                    results[label].append(figures)
    finally:
        for worker in workers.values():
            worker.close()
        shutil.rmtree(scratch, ignore_errors=True)
    if baseline_ref != "none":
        print(f"baseline = {', '.join(_PACKAGES)} at {baseline_ref}; {repeats} passes each, taken in turns")
    for label, passes in results.items():
        turn_ms = [x for p in passes for x in p["turn_ms"]]
        route_ms = [x for p in passes for x in p["route_ms"]]
        answered, grounded = sum(p["answered"] for p in passes), sum(p["grounded"] for p in passes)
        print(_line(f"[{label}] offline end to end (router + agent + tools)", turn_ms))
        print(_line(f"[{label}]   CPU time of the same turns", [x for p in passes for x in p["cpu_ms"]]))
        print(_line(f"[{label}]   of which tier-1 routing alone", route_ms))
        print(
            f"[{label}]   answered from a tool: {answered}/{len(turn_ms)}; "
            f"of these without ungrounded figures: {grounded}"
        )
    new = [x for p in results["new"] for x in p["turn_ms"]]
    if "baseline" in results:
        old = [x for p in results["baseline"] for x in p["turn_ms"]]
        print(f"p50 ratio baseline / new: {statistics.median(old) / statistics.median(new):.2f}x")
        cpu_old = [x for p in results["baseline"] for x in p["cpu_ms"]]
        cpu_new = [x for p in results["new"] for x in p["cpu_ms"]]
        print(f"CPU p50 ratio baseline / new: {statistics.median(cpu_old) / statistics.median(cpu_new):.2f}x")
    return statistics.median(new), percentile(new, 95)


def runtime_overhead(home: Path, turns: int) -> None:
    from agents.events import ToolFinished, ToolStarted
    from agents.models import LLMConfig, make_openai_chat_model
    from agents.routing.decision import RoutingDecision
    from agents.testing import ScriptedRequest, ScriptedServer, ScriptedTurn, call_tool, reply
    from ui.agents_wiring import agent_system
    from ui.system import tool_system

    class Production:
        def route(self, text: str) -> RoutingDecision:
            return RoutingDecision(domains=["production"], confidence=1.0, kind="single")

    def script(request: ScriptedRequest) -> ScriptedTurn:
        if request.messages and request.messages[-1]["role"] == "tool":
            return reply("OEE of line 2 yesterday is in the tool result.")
        return call_tool("oee", target="L2", period="yesterday")

    settings = _settings(home)
    tools = tool_system(settings)
    with ScriptedServer(script, latency_s=0.0) as server:
        system = agent_system(settings, model="offline", router=Production(), tools=tools)
        model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted", max_retries=0))
        from agents.runtime import Assistant

        assistant = Assistant(
            model=model,
            backend=system.assistant.backend,
            memory=system.assistant.memory,
            router=Production(),
            model_kind="openai",
        )
        wall: list[float] = []
        server_ms: list[float] = []
        tool_ms: list[float] = []
        for turn in range(turns + 1):
            before = server.server_time_s
            t0 = time.perf_counter()
            tool_start = tool_time = 0.0
            for event in assistant.ask(
                "OEE of L2 yesterday?", session_id=uuid.uuid4().hex, user="operator", role="operator"
            ):
                if isinstance(event, ToolStarted):
                    tool_start = time.perf_counter()
                elif isinstance(event, ToolFinished):
                    tool_time += time.perf_counter() - tool_start
            elapsed = time.perf_counter() - t0
            if turn == 0:
                continue
            wall.append(elapsed * 1000)
            server_ms.append((server.server_time_s - before) * 1000)
            tool_ms.append(tool_time * 1000)
        system.close()
    overhead = [w - s for w, s in zip(wall, server_ms, strict=True)]
    print(_line("LLM path turn (2 model calls, 1 tool), wall", wall))
    print(_line("  time inside the scripted server", server_ms))
    print(_line("  framework overhead per turn (wall - server)", overhead))
    print(_line("  ... excluding the tool's own execution", [o - t for o, t in zip(overhead, tool_ms, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--home", type=Path, help="Reuse this data home (seeded if it has no plant.db).")
    parser.add_argument("--baseline-ref", default="3280a39", help="Git revision of the baseline (or 'none').")
    parser.add_argument("--serve-offline", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_offline:
        _serve(args.serve_offline)
        return
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    home = args.home or Path(tempfile.mkdtemp(prefix="andon-bench-agents-"))
    if not (home / "plant.db").exists():
        _seed(home, args.scale)
    p50, p95 = offline_latency(home, args.repeats, args.baseline_ref)
    runtime_overhead(home, args.turns)
    print(f"\nagents: offline p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
