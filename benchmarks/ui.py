"""Console under load: N simultaneous sessions ask questions over HTTP (gradio_client); prints time
to first token and total turn time (p50 / p95), errors and answers that reached the wrong session.

    python benchmarks/ui.py [--sessions 20] [--scale small|medium] [--rounds 1]

Seeds a fresh demo plant in a temporary data home, starts the console (`andon ui`) in a process of
its own on 127.0.0.1, so the clients here do not share its interpreter, and stops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

# Run as `python benchmarks/ui.py`, this folder comes first on sys.path and this file would shadow `ui`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

LINES = ["L1", "L2", "L3", "L4"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--scale", choices=["small", "medium"], default="small")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    from connectors import DatabaseConfig, open_engine, seed_plant
    from ui.console.load import run_sessions

    home = Path(tempfile.mkdtemp(prefix="andon-ui-bench-"))
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{home / 'plant.db'}"))
    seed_plant(engine, scale=args.scale, seed=7)
    engine.dispose()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    env = {**os.environ, "ANDON_DATA_HOME": str(home)}
    server = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "ui", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(url, server)
        print(f"console up in {time.perf_counter() - started:.1f} s ({args.scale} plant)")
        _measure(url, args, run_sessions)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"andon ui exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the console did not come up in 150 s")


def _measure(url: str, args: argparse.Namespace, run_sessions: Any) -> None:
    from evals.metrics import percentile

    run_sessions(url, ["What was the OEE of line 1 yesterday?"])  # warm-up: first turn loads models
    first: list[float] = []
    total: list[float] = []
    errors = wrong = 0
    wall = time.perf_counter()
    for _ in range(args.rounds):
        questions = [f"What was the OEE of line {LINES[i % 4][1]} yesterday?" for i in range(args.sessions)]
        for outcome in run_sessions(url, questions):
            if outcome.error:
                errors += 1
                continue
            if set(re.findall(r"\bL[1-4]\b", outcome.answer)) != {LINES[outcome.index % 4]}:
                wrong += 1
                print(f"  wrong or missing answer for {outcome.question!r}: {outcome.answer[:160]!r}")
            if outcome.first_token_s is not None:
                first.append(outcome.first_token_s)
            total.append(outcome.total_s)
    wall_s = time.perf_counter() - wall
    turns = args.sessions * args.rounds
    print(f"{turns} turns from {args.sessions} simultaneous sessions in {wall_s:.1f} s")
    print(f"errors {errors}, answers that reached the wrong session {wrong}")
    print(f"time to first token  p50 {statistics.median(first):.3f} s  p95 {percentile(first, 95):.3f} s")
    print(f"turn incl. sign-in   p50 {statistics.median(total):.3f} s  p95 {percentile(total, 95):.3f} s")


if __name__ == "__main__":
    main()
