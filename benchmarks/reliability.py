"""Reliability campaign: faults, prompt injections and bad inputs, with counts.

    python benchmarks/reliability.py                      # everything (several minutes on two cores)
    python benchmarks/reliability.py --fuzz-examples 100  # fewer random inputs per tool / CLI
    ANDON_TEST_POSTGRES_URL=postgresql+psycopg://andon:andon@127.0.0.1:5432/postgres python benchmarks/reliability.py

Faults: the LLM endpoint answering 503 with Retry-After, 429 every time, too slowly, with a stream broken
before and after its first words, with invalid JSON arguments; PostgreSQL stopped and restarted under a
session (when ANDON_TEST_POSTGRES_URL is set); `kill -9` during a seed, an ingest and an eval run, then the
same command again (rows, chunks and attempts counted against a clean run); a full disk mid-ingest.
A fault is survived when the request after it gets its answer or one clear line, nothing is lost and
nothing is written twice. Injections: the 50 cases of `agents.testing.injection` on the offline model and
on the LLM path with a malicious scripted model. Bad inputs: hypothesis-built arguments at every tool and
command lines at the CLI's main commands; a traceback or an internal error counts against it.

The last line is `reliability: faults F survived/F, lost 0, duplicated 0; injections I tried, succeeded 0;
bad inputs B, tracebacks 0` with the counts measured.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as `python benchmarks/reliability.py`, this folder comes first on sys.path and its agents.py would
# shadow the agents package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agents.events import Error, Event, FinalAnswer  # noqa: E402
from agents.testing import (  # noqa: E402
    ScriptedServer,
    ScriptedToolCall,
    ScriptedTurn,
    broken_stream,
    call_tool,
    http_error,
    reply,
    slow,
)

ANDON = [str(Path(sys.executable).with_name("andon"))]


@dataclass
class Fault:
    name: str
    survived: bool
    lost: int = 0
    duplicated: int = 0
    note: str = ""


# -- LLM endpoint faults --------------------------------------------------------------------------------


def _llm_turn(turns: list[ScriptedTurn], **config: Any) -> tuple[list[Event], int]:
    from agents.models.openai_compatible import LLMConfig, make_openai_chat_model
    from agents.routing.decision import RoutingDecision
    from agents.runtime import Assistant, ConversationMemory
    from agents.testing.injection import injection_backend

    class ToMaintenance:
        def route(self, text: str) -> RoutingDecision:
            return RoutingDecision(domains=["maintenance"], confidence=0.9, kind="single")

        def route_many(self, texts: Any) -> list[RoutingDecision]:
            return [self.route(t) for t in texts]

    with tempfile.TemporaryDirectory() as home, ScriptedServer(turns) as server:
        with injection_backend(None, Path(home)) as state:
            model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted", **config))
            memory = ConversationMemory(Path(home) / "memory.sqlite")
            assistant = Assistant(
                model=model, backend=state.backend, memory=memory, router=ToMaintenance(), model_kind="openai"
            )
            events = list(assistant.ask("Plugin reading of CNC-03", session_id="s", user="op", role="operator"))
            memory.close()
        return events, len(server.chat_requests)


def _answered(events: list[Event]) -> bool:
    return any(isinstance(e, FinalAnswer) for e in events) and not any(isinstance(e, Error) for e in events)


def _one_clear_line(events: list[Event]) -> str | None:
    errors = [e.message for e in events if isinstance(e, Error)]
    return errors[0] if len(errors) == 1 and "\n" not in errors[0] else None


def llm_faults() -> list[Fault]:
    ok = [call_tool("plugin_reading", equipment="CNC-03"), reply("Spindle load 42 %.")]
    found: list[Fault] = []
    events, calls = _llm_turn([http_error(503, retry_after="1"), *ok])
    found.append(Fault("LLM 503 + Retry-After: 1", _answered(events) and calls == 3, note=f"{calls} requests"))
    events, calls = _llm_turn([http_error(429)] * 3, max_retries=2)
    said = _one_clear_line(events)
    found.append(Fault("LLM 429 on every attempt", said is not None and calls == 3, note=said or ""))
    events, calls = _llm_turn([slow(reply("late"), 3.0)] * 2, timeout_s=0.3, max_retries=1)
    said = _one_clear_line(events)
    found.append(Fault("LLM time-out", said is not None and calls == 2, note=said or ""))
    events, calls = _llm_turn([broken_stream(ok[0], after_chunks=1), *ok])
    found.append(Fault("LLM stream broken before its first word", _answered(events), note=f"{calls} requests"))
    events, calls = _llm_turn([ok[0], broken_stream(ok[1], after_chunks=3)])
    said = _one_clear_line(events)
    found.append(Fault("LLM stream broken after its first words", said is not None and calls == 2, note=said or ""))
    bad = ScriptedTurn(tool_calls=(ScriptedToolCall("plugin_reading", {}, raw_arguments='{"equipment": CNC-03'),))
    events, calls = _llm_turn([bad, reply("I could not read the arguments.")])
    found.append(Fault("LLM invalid JSON arguments", _answered(events) and calls == 2, note=f"{calls} requests"))
    return found


# -- database ---------------------------------------------------------------------------------------------


def database_fault() -> Fault | None:
    url = os.environ.get("ANDON_TEST_POSTGRES_URL")
    if not url:
        return None
    import uuid

    from sqlalchemy import create_engine, make_url, text
    from sqlmodel import Session

    from agents.testing.tcp_proxy import TcpProxy
    from connectors import DatabaseConfig, open_engine, plant_clock, seed_plant

    admin_url = make_url(url).set(drivername="postgresql+psycopg")
    name = f"andon_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        real = admin_url.set(database=name)
        engine = open_engine(DatabaseConfig(url=real.render_as_string(hide_password=False)))
        seed_plant(engine, scale="small", seed=7)
        engine.dispose()
        with TcpProxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
            via = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            engine = open_engine(DatabaseConfig(url=via))

            def clock() -> str:
                with Session(engine) as session:
                    return str(plant_clock(session))

            before = clock()
            proxy.stop()
            failed = False
            try:
                clock()
            except Exception:
                failed = True
            proxy.start()
            after = clock()
            engine.dispose()
        return Fault("PostgreSQL stopped and restarted mid-session", failed and after == before, note=after)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- Chroma server -------------------------------------------------------------------------------------------


def chroma_fault(work: Path) -> Fault | None:
    import socket
    import urllib.request
    from datetime import datetime

    from sqlmodel import Session

    from knowledge import KnowledgeConfig, open_document_index
    from tools import AuditLog, OutcomeStatus, Role, ToolContext, invoke
    from tools.builtin.documents import search_documents
    from tools.testing import memory_engine

    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(chroma).exists():
        return None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    data = work / "chroma-server"

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )  # fmt: skip
        for _ in range(200):
            heartbeat = f"http://127.0.0.1:{port}/api/v2/heartbeat"
            with contextlib.suppress(OSError), urllib.request.urlopen(heartbeat, timeout=2):
                return process
            time.sleep(0.3)
        raise RuntimeError("chroma run did not come up")

    server = start()
    try:
        folder = work / "chroma-docs"
        folder.mkdir()
        doc = folder / "hoist.md"
        doc.write_text("---\nid: SOP-HOIST\n---\n# Hoist\n## 1 Chain\nCheck the hoist chain HC-7731.\n")
        config = KnowledgeConfig(persist_dir=work / "chroma-client", chroma_url=f"http://127.0.0.1:{port}")
        index = open_document_index(config)
        index.ingest([folder])

        class Documents:
            def search(self, query: str, *, k: int, role: str, filters: Any = None) -> Any:
                return index.search(query, k=k, role=role, filters=filters)

        with memory_engine().connect() as connection:
            ctx = ToolContext(user="op", role=Role.OPERATOR, session=Session(bind=connection),
                              clock=datetime(2026, 11, 20, 6), documents=Documents())  # fmt: skip
            audit = AuditLog(work / "chroma-audit.jsonl")

            def search() -> tuple[Any, list[str], str]:
                out = invoke(search_documents, ctx, {"query": "hoist chain HC-7731"}, audit=audit)
                return out.status, [p.document for p in getattr(out.result, "passages", [])], out.message

            before = search()
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=30)
            during = search()
            server = start()
            after = search()
        ids = index.chunks.get()["ids"]
        ok = (
            before[:2] == after[:2] == (OutcomeStatus.OK, ["SOP-HOIST"])
            and during[0] is OutcomeStatus.ERROR and "\n" not in during[2]
        )  # fmt: skip
        return Fault("Chroma server killed and restarted", ok, duplicated=len(ids) - len(set(ids)), note="same hit")
    finally:
        server.kill()
        server.wait(timeout=30)


# -- kill -9 and disk full ---------------------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    return {**env, "ANDON_DATA_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}


def _kill_when(argv: list[str], home: Path, ready: Callable[[], bool]) -> bool:
    process = subprocess.Popen(
        [*ANDON, *argv], env=_env(home), cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while not ready():
            if process.poll() is not None:
                return False  # finished before the moment to kill it
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        return True
    finally:
        if process.poll() is None:
            process.kill()


def _andon(argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ANDON, *argv], env=_env(home), cwd=home, capture_output=True, text=True, check=False)


def _count(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def _row_counts(db: Path) -> dict[str, int]:
    from connectors import DatabaseConfig, open_engine, plant_info

    engine = open_engine(DatabaseConfig(url=f"sqlite:///{db}"))
    try:
        return dict(plant_info(engine).row_counts)
    finally:
        engine.dispose()


def seed_fault(work: Path, reference: Path) -> Fault:
    home = work / "seed"
    home.mkdir()
    argv = ["db", "seed", "--scale", "small"]
    killed = _kill_when(argv, home, lambda: _count(home / "plant.db", "production_count") > 0)
    again = _andon(["db", "seed", "--scale", "small"], home)
    got, want = _row_counts(home / "plant.db"), _row_counts(reference)
    lost = sum(max(0, want[t] - got.get(t, 0)) for t in want)
    duplicated = sum(max(0, got.get(t, 0) - want[t]) for t in want)
    ok = killed and again.returncode == 0 and lost == duplicated == 0
    return Fault("kill -9 mid-seed, seed again", ok, lost, duplicated, note=f"{sum(got.values()):,} rows")


def _docs(folder: Path) -> dict[str, int]:
    from knowledge.chunking import ChunkSizes, chunk_blocks
    from knowledge.loaders import load_document

    folder.mkdir()
    expected: dict[str, int] = {}
    for n in range(1, 5):
        body = "".join(
            f"## {s} Step {s}\n" + f"Line L{n}, step {s}: check bearing {n}-{s}, torque {40 + s} Nm. " * 12 + "\n"
            for s in range(1, 9)
        )
        path = folder / f"proc-{n}.md"
        path.write_text(f"---\nid: SOP-T{n}\ntitle: Procedure {n}\n---\n# Procedure {n}\n{body}", encoding="utf-8")
        expected[f"SOP-T{n}"] = len(list(chunk_blocks(load_document(path).blocks, ChunkSizes())))
    return expected


def ingest_fault(work: Path) -> Fault:
    from knowledge import KnowledgeConfig, open_document_index

    home = work / "ingest"
    home.mkdir()
    expected = _docs(home / "docs")
    store = home / "knowledge" / "chroma" / "chroma.sqlite3"
    killed = _kill_when(["knowledge", "ingest", str(home / "docs")], home, lambda: _count(store, "embeddings") > 0)
    again = _andon(["knowledge", "ingest", str(home / "docs")], home)
    index = open_document_index(KnowledgeConfig(persist_dir=home / "knowledge"))
    ids = index.chunks.get()["ids"]
    got = {d.id: d.chunks for d in index.list_documents()}
    lost = sum(max(0, n - got.get(doc, 0)) for doc, n in expected.items())
    duplicated = len(ids) - len(set(ids)) + max(0, len(set(ids)) - sum(expected.values()))
    ok = killed and again.returncode == 0 and lost == duplicated == 0
    return Fault("kill -9 mid-ingest, ingest again", ok, lost, duplicated, note=f"{len(ids)} chunks")


def eval_fault(work: Path, reference: Path) -> Fault:
    home = work / "eval"
    home.mkdir()
    shutil.copy(reference, home / "plant.db")
    results = home / "run" / "results.jsonl"
    argv = ["eval", "run", "routing", "--model", "offline", "--out", str(home / "run")]

    def lines() -> int:
        return len(results.read_text(encoding="utf-8").splitlines()) if results.exists() else 0

    killed = _kill_when(argv, home, lambda: lines() >= 40)
    again = _andon(argv, home)
    keys = []
    for line in results.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            record = json.loads(line)
            keys.append((record["suite"], record["case_id"], record["attempt"]))
    from evals.loader import load_suites

    wanted = len(load_suites(["routing"])[0].cases)
    lost, duplicated = max(0, wanted - len(set(keys))), len(keys) - len(set(keys))
    ok = killed and again.returncode in (0, 1) and lost == duplicated == 0
    return Fault("kill -9 mid eval run, run again", ok, lost, duplicated, note=f"{len(set(keys))}/{wanted} attempts")


def disk_full_fault(work: Path) -> Fault:
    from knowledge import KnowledgeConfig, open_document_index

    folder = work / "disk"
    folder.mkdir()
    path = folder / "manual.md"
    old = "---\nid: MM-X\n---\n# Manual\n" + "".join(f"## {n} Part {n}\nOld text {n}.\n" for n in range(1, 5))
    path.write_text(old, encoding="utf-8")
    index = open_document_index(KnowledgeConfig(persist_dir=folder / "knowledge", batch_size=1))
    index.ingest([path])
    path.write_text(old.replace("Old", "New"), encoding="utf-8")
    upsert, writes = index.chunks.upsert, []

    def full(**kwargs: Any) -> None:
        writes.append(1)
        if len(writes) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        upsert(**kwargs)

    index.chunks.upsert = full
    report = index.ingest([path])
    hits = index.search("text", k=10, role="operator", mode="bm25")
    kept = sorted(h.text for h in hits) == [f"Old text {n}." for n in range(1, 5)]
    index.chunks.upsert = upsert
    index.ingest([path])
    ids = index.chunks.get()["ids"]
    clear = len(report.failed) == 1 and "cannot be written" in report.failed[0].message
    return Fault("disk full mid-ingest", clear and kept and len(ids) == 4, duplicated=len(ids) - 4, note="old kept")


# -- injections -----------------------------------------------------------------------------------------


def injections() -> tuple[int, int, list[str]]:
    from agents.testing.injection import INJECTION_CASES, run_llm_case, run_offline_case

    tried, breached = 0, []
    for case in INJECTION_CASES:
        for path, play in (("offline", run_offline_case), ("llm", run_llm_case)):
            verdict = play(case)
            tried += 1
            if verdict.succeeded:
                breached.append(f"{path} {case.id}: {verdict.breaches}")
    return tried, len(breached), breached


# -- bad inputs -----------------------------------------------------------------------------------------


def tool_fuzz(reference: Path, examples: int) -> tuple[int, int]:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from sqlmodel import Session

    from connectors import DatabaseConfig, open_engine, plant_clock
    from tools import AuditLog, ProposalStore, Role, ToolContext, create_tool_tables, invoke, load_registry
    from tools.testing import memory_engine

    engine = open_engine(DatabaseConfig(url=f"sqlite:///{reference}"))
    proposals_engine = memory_engine()
    create_tool_tables(proposals_engine)
    proposals = ProposalStore(proposals_engine)
    tried, crashes = 0, 0
    values = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**63), 2**63), st.floats(allow_nan=True), st.text(max_size=30),
        st.sampled_from(["L2", "2号线", "'; DROP TABLE alarm; --", "1900-01-01..2999-12-31", "\x00", "A" * 500]),
        st.lists(st.text(max_size=5), max_size=2),
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch, Session(engine) as session:
        audit = AuditLog(Path(scratch) / "audit.jsonl", durable=False)
        ctx = ToolContext(user="fuzzer", role=Role.ADMIN, session=session, clock=plant_clock(session))

        def fuzz(item: Any) -> None:
            names = sorted(item.parameters_schema().get("properties", {})) or ["x"]

            @settings(max_examples=examples, deadline=None, database=None)
            @given(args=st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=6)), values, max_size=4))
            def call(args: dict[str, Any]) -> None:
                nonlocal tried, crashes
                tried += 1
                outcome = invoke(item, ctx, args, audit=audit, proposals=proposals)
                if outcome.internal or "\n" in outcome.message:
                    crashes += 1

            call()

        for item in load_registry().tools:
            fuzz(item)
        session.rollback()
    engine.dispose()
    return tried, crashes


def cli_fuzz(reference: Path, examples: int) -> tuple[int, int]:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tools import load_registry
    from ui.cli import main

    names = sorted(t.name for t in load_registry().tools)
    text = st.one_of(st.sampled_from(["", "-", "--x", "2号线", "'; DROP TABLE x; --", "9" * 30, "{", "null"]),
                     st.text(max_size=30))  # fmt: skip
    commands = st.one_of(
        st.tuples(st.one_of(st.sampled_from(names), text), text).map(lambda t: ["tools", "call", t[0], "--args", t[1]]),
        st.tuples(st.sampled_from(["approve", "reject", "show"]), text).map(
            lambda t: ["proposals", t[0], t[1], *(["--reason", "x"] if t[0] == "reject" else [])]
        ),
        text.map(lambda t: ["db", "seed", "--scale", t]),
        text.map(lambda t: ["knowledge", "search", t]),
        text.map(lambda t: ["route", t]),
        text.map(lambda t: ["audit", "tail", "-n", t]),
        text.map(lambda t: ["eval", "run", t]),
    )
    tried, tracebacks = 0, 0
    with tempfile.TemporaryDirectory() as home:
        shutil.copy(reference, Path(home) / "plant.db")
        os.environ["ANDON_DATA_HOME"] = home

        @settings(max_examples=examples, deadline=None, database=None)
        @given(argv=commands)
        def run(argv: list[str]) -> None:
            nonlocal tried, tracebacks
            tried += 1
            out, err = io.StringIO(), io.StringIO()
            code = 0
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    main(argv)
                except SystemExit as exited:
                    code = int(exited.code or 0) if isinstance(exited.code, int | None) else 1
            said = err.getvalue()
            lines = [line for line in said.splitlines() if line.strip()]
            if "Traceback" in said or "internal error" in said or (code and len(lines) != 1) or code not in (0, 1, 2):
                tracebacks += 1
                print(f"  CLI {argv!r}: exit {code}: {said[:300]!r}")

        run()
        del os.environ["ANDON_DATA_HOME"]
    return tried, tracebacks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz-examples", type=int, default=200, help="Random inputs per tool and for the CLI.")
    args = parser.parse_args()
    import logging

    # The faults make tools fail on purpose: their logged errors would only repeat what the table says.
    logging.getLogger("tools.invoke").setLevel(logging.CRITICAL)
    logging.getLogger("agents.models.retries").setLevel(logging.ERROR)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from connectors import DatabaseConfig, open_engine, seed_plant

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        reference = work / "reference.db"
        engine = open_engine(DatabaseConfig(url=f"sqlite:///{reference}"))
        seed_plant(engine, scale="small", seed=7)
        engine.dispose()

        started = time.perf_counter()
        faults = llm_faults()
        database = database_fault()
        if database is not None:
            faults.append(database)
        chroma = chroma_fault(work)
        if chroma is not None:
            faults.append(chroma)
        faults += [seed_fault(work, reference), ingest_fault(work), eval_fault(work, reference), disk_full_fault(work)]
        print("faults:")
        for fault in faults:
            mark = "survived" if fault.survived else "FAILED"
            print(f"  {fault.name:<46} {mark:<9} lost {fault.lost} duplicated {fault.duplicated}  {fault.note}")
        if database is None:
            print("  (PostgreSQL stop/restart not run: set ANDON_TEST_POSTGRES_URL)")
        print(f"  {time.perf_counter() - started:.0f} s")

        started = time.perf_counter()
        tried, succeeded, breached = injections()
        print(f"injections: {tried} tried (50 cases x offline and malicious LLM), succeeded {succeeded}")
        for line in breached:
            print(f"  {line}")
        print(f"  {time.perf_counter() - started:.0f} s")

        started = time.perf_counter()
        tool_inputs, tool_crashes = tool_fuzz(reference, args.fuzz_examples)
        cli_inputs, cli_tracebacks = cli_fuzz(reference, args.fuzz_examples)
        print(f"bad inputs: tools {tool_inputs} (internal errors {tool_crashes}), CLI {cli_inputs} "
              f"(tracebacks or multi-line errors {cli_tracebacks})  {time.perf_counter() - started:.0f} s")  # fmt: skip

    survived = sum(f.survived for f in faults)
    lost, duplicated = sum(f.lost for f in faults), sum(f.duplicated for f in faults)
    print(
        f"reliability: faults {survived} survived/{len(faults)}, lost {lost}, duplicated {duplicated}; "
        f"injections {tried} tried, succeeded {succeeded}; "
        f"bad inputs {tool_inputs + cli_inputs}, tracebacks {tool_crashes + cli_tracebacks}"
    )


if __name__ == "__main__":
    main()
