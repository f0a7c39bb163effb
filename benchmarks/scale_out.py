"""Several console workers serving one plant under load: S simultaneous sessions spread over W workers
(PostgreSQL + `chroma run` + `andon ui` processes on 127.0.0.1), each asking the OEE of its own line;
every fourth one asks for a maintenance request instead, which an engineer signed in on another
worker approves while the others are still running. At the end the audit chain of every call and
decision is verified.

    python benchmarks/scale_out.py [--sessions 40] [--workers 2] [--server URL | --topology FILE]

Without --topology it starts the topology (`ui.topology`) on the PostgreSQL server `--server`
(default: ANDON_TEST_POSTGRES_URL) and removes it afterwards. Ends with the line
`scale-out: W workers, S sessions, errors E, wrong-session X, audit ok|broken, p95 T s`
(T: the 95th percentile of a session's time from sign-in to its answer, approvals included).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as `python benchmarks/scale_out.py`, this folder comes first on sys.path and would shadow `ui`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

LINES = ["L1", "L2", "L3", "L4"]
MACHINES = ["CNC-01", "CNC-03", "ROB-01", "PRS-01"]
TIMEOUT_S = 900.0


@dataclass
class Outcome:
    index: int
    worker: int
    kind: str
    seconds: float = 0.0
    error: str | None = None
    wrong: bool = False
    proposal_id: int | None = None


def _client(url: str) -> Any:
    import httpx
    from gradio_client import Client

    return Client(url, verbose=False, httpx_kwargs={"timeout": httpx.Timeout(TIMEOUT_S, connect=60.0)})


def _answer(output: Any) -> str:
    from ui.console.load import message_text

    history = output[0] if isinstance(output, list | tuple) else []
    answers = [
        message_text(m.get("content"))
        for m in history
        if isinstance(m, dict) and m.get("role") == "assistant" and not m.get("metadata")
    ]
    return answers[-1] if answers else ""


def _ask_oee(url: str, outcome: Outcome) -> None:
    line = LINES[outcome.index % 4]
    browser = _client(url)
    browser.predict("operator", "operator", api_name="/sign_in")
    answer = _answer(browser.predict(f"What was the OEE of line {line[1]} yesterday?", [], api_name="/ask"))
    # Another session's answer would name another line (or none).
    outcome.wrong = set(re.findall(r"\bL[1-4]\b", answer)) != {line}


def _propose_then_approve(url: str, approver_url: str, outcome: Outcome) -> None:
    machine = MACHINES[outcome.index % 4]
    browser = _client(url)
    browser.predict("operator", "operator", api_name="/sign_in")
    answer = _answer(browser.predict(f"给{machine}报修，异响 #{outcome.index}", [], api_name="/ask"))
    found = re.search(r"#(\d+)", answer)
    if not found or machine not in answer:
        outcome.wrong = True
        return
    outcome.proposal_id = int(found.group(1))
    engineer = _client(approver_url)
    engineer.predict("engineer", "engineer", api_name="/sign_in")
    engineer.predict(api_name="/refresh")
    result = str(engineer.predict(str(outcome.proposal_id), "", api_name="/approve_pending")[0])
    if f"#{outcome.proposal_id}" not in result:
        outcome.error = f"approval of #{outcome.proposal_id} answered {result[:120]!r}"


def _session(urls: list[str], outcome: Outcome) -> None:
    started = time.perf_counter()
    try:
        if outcome.kind == "approval":
            _propose_then_approve(urls[outcome.worker], urls[(outcome.worker + 1) % len(urls)], outcome)
        else:
            _ask_oee(urls[outcome.worker], outcome)
    except Exception as exc:  # every failure is counted, none stops the others
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.seconds = time.perf_counter() - started


def _drive(urls: list[str], sessions: int) -> list[Outcome]:
    outcomes = [
        Outcome(index=i, worker=i % len(urls), kind="approval" if i % 4 == 3 else "question") for i in range(sessions)
    ]
    threads = [threading.Thread(target=_session, args=(urls, o), daemon=True) for o in outcomes]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIMEOUT_S
    for thread, outcome in zip(threads, outcomes, strict=True):
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            outcome.error = f"did not finish within {TIMEOUT_S:.0f} s"
    return outcomes


def _report(urls: list[str], database_url: str, outcomes: list[Outcome], wall_s: float) -> None:
    from sqlalchemy import create_engine

    from evals.metrics import percentile
    from tools import DatabaseAuditLog, ProposalStatus, ProposalStore

    engine = create_engine(database_url)
    store = ProposalStore(engine)
    for outcome in outcomes:
        if outcome.proposal_id is None or outcome.error is not None:
            continue
        status = store.get(outcome.proposal_id).status
        if status is not ProposalStatus.EXECUTED:
            outcome.error = f"proposal #{outcome.proposal_id} is {status.value}"
    report = DatabaseAuditLog(engine).verify()
    engine.dispose()
    errors = [o for o in outcomes if o.error]
    wrong = [o for o in outcomes if o.wrong and not o.error]
    for outcome in errors[:5]:
        print(f"  error in session {outcome.index} (worker {outcome.worker + 1}): {outcome.error}")
    times = [o.seconds for o in outcomes if not o.error]
    approvals = sum(1 for o in outcomes if o.proposal_id is not None and not o.error)
    per_worker = [sum(1 for o in outcomes if o.worker == w) for w in range(len(urls))]
    print(f"sessions per worker {per_worker}; approvals across workers {approvals}; wall {wall_s:.1f} s")
    print(f"audit chain: {report}")
    p50 = sorted(times)[len(times) // 2] if times else float("nan")
    p95 = percentile(times, 95) if times else float("nan")
    print(f"session time p50 {p50:.2f} s")
    print(
        f"scale-out: {len(urls)} workers, {len(outcomes)} sessions, errors {len(errors)}, "
        f"wrong-session {len(wrong)}, audit {'ok' if report.ok else 'broken'}, p95 {p95:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", default=os.environ.get("ANDON_TEST_POSTGRES_URL"), help="PostgreSQL server URL")
    parser.add_argument("--topology", type=Path, help="use a running topology (the JSON `ui.topology --out` wrote)")
    args = parser.parse_args()
    # Stopped with SIGTERM: leave through the `with` below, which stops the workers and drops the database.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))

    if args.topology is not None:
        described = json.loads(args.topology.read_text(encoding="utf-8"))
        _run(described["workers"], described["database_url"], args.sessions)
        return
    if not args.server:
        raise SystemExit("error: give --server URL (PostgreSQL) or --topology FILE")
    from ui.topology import LocalTopology

    started = time.perf_counter()
    with LocalTopology(args.server, workers=args.workers) as topology:
        print(f"topology up in {time.perf_counter() - started:.1f} s: {', '.join(topology.urls)}")
        _run(topology.urls, topology.database_url, args.sessions)


def _run(urls: list[str], database_url: str, sessions: int) -> None:
    for url in urls:  # warm-up: each worker's first turn loads its models
        _ask_oee(url, Outcome(index=0, worker=0, kind="question"))
    wall = time.perf_counter()
    outcomes = _drive(urls, sessions)
    _report(urls, database_url, outcomes, time.perf_counter() - wall)


if __name__ == "__main__":
    main()
