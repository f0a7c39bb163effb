"""Console under load: N simultaneous sessions ask questions over HTTP (gradio_client); prints time
to first token and total turn time (p50 / p95), errors and answers that reached the wrong session.

    python benchmarks/ui.py [--sessions 20] [--scale small|medium] [--rounds 1]

Seeds a fresh demo plant in a temporary data home, starts the console on 127.0.0.1 and stops it.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

LINES = ["L1", "L2", "L3", "L4"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--scale", choices=["small", "medium"], default="small")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    from connectors import DatabaseConfig, open_engine, seed_plant
    from ui.config import AndonSettings
    from ui.console import launch_console
    from ui.console.load import run_sessions

    home = Path(tempfile.mkdtemp(prefix="andon-ui-bench-"))
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{home / 'plant.db'}"))
    seed_plant(engine, scale=args.scale, seed=7)
    engine.dispose()
    settings = AndonSettings(data_home=home, ui_auth=True)
    port = _free_port()
    started = time.perf_counter()
    app = launch_console(settings, host="127.0.0.1", port=port, block=False)
    print(f"console up in {time.perf_counter() - started:.1f} s ({args.scale} plant)")
    url = f"http://127.0.0.1:{port}/"
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
            if outcome.first_token_s is not None:
                first.append(outcome.first_token_s)
            total.append(outcome.total_s)
    wall_s = time.perf_counter() - wall
    app.close()
    turns = args.sessions * args.rounds
    print(f"{turns} turns from {args.sessions} simultaneous sessions in {wall_s:.1f} s")
    print(f"errors {errors}, answers that reached the wrong session {wrong}")
    print(f"time to first token  p50 {statistics.median(first):.3f} s  p95 {_percentile(first, 0.95):.3f} s")
    print(f"turn incl. sign-in   p50 {statistics.median(total):.3f} s  p95 {_percentile(total, 0.95):.3f} s")


if __name__ == "__main__":
    main()
