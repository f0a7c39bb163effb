"""Console under load: N simultaneous sessions ask questions over HTTP (gradio_client); prints time
to first token and total turn time (p50 / p95), errors and answers that reached the wrong session.

    python benchmarks/ui.py [--sessions 20] [--scale small|medium] [--rounds 3] [--baseline-ref 3280a39]

Seeds a fresh demo plant in a temporary data home, starts the console (`andon ui`) in a process of
its own on 127.0.0.1, so the clients here do not share its interpreter, and stops it afterwards.
The baseline (the packages of git revision `--baseline-ref`, exported with `git archive`) gets a
console of its own on a copy of the same plant; the rounds are taken in turns, one console at a
time, so both see the same load on a shared machine. Prints each console's resident memory (its
process and their children, after the rounds; the goal is at most 1 GB) and ends with
`ui: N sessions, ttft p50 X s, p95 Y s, errors E, wrong-session W` for this tree.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
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


_ROOT = Path(__file__).resolve().parents[1]
_PACKAGES = ("connectors", "knowledge", "tools", "agents", "evals", "ui")


def _export(ref: str, into: Path) -> Path:
    """The packages of git revision `ref`, unpacked under `into` (which then goes on PYTHONPATH)."""
    archive = into / "baseline.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "-C", str(_ROOT), "archive", "--format=tar", ref, *_PACKAGES], stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "baseline", filter="data")
    return into / "baseline"


def _resident_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total_kb, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


class _Console:
    """One implementation's console (`andon ui`) on its own copy of the plant."""

    def __init__(self, label: str, home: Path, pythonpath: Path | None) -> None:
        self.label = label
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "ANDON_DATA_HOME": str(home)}
        if pythonpath is not None:
            env["PYTHONPATH"] = str(pythonpath)
        started = time.perf_counter()
        self.server = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "ui", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            cwd=home,  # not this checkout: `-m` puts the working folder first on sys.path
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until_up(self.url, self.server)
        self.up_s = time.perf_counter() - started

    def close(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--scale", choices=["small", "medium"], default="small")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-ref", default="3280a39", help="Git revision of the baseline (or 'none').")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    from connectors import DatabaseConfig, open_engine, seed_plant
    from ui.console.load import run_sessions

    scratch = Path(tempfile.mkdtemp(prefix="andon-ui-bench-"))
    trees: dict[str, Path | None] = {"new": None}
    if args.baseline_ref != "none":
        trees["baseline"] = _export(args.baseline_ref, scratch)
    plant = scratch / "plant.db"
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{plant}"))
    seed_plant(engine, scale=args.scale, seed=7)
    engine.dispose()
    consoles: dict[str, _Console] = {}
    try:
        for label, tree in trees.items():
            home = scratch / f"home-{label}"
            home.mkdir()
            shutil.copy2(plant, home / "plant.db")
            consoles[label] = _Console(label, home, tree)
            print(f"{label}: console up in {consoles[label].up_s:.1f} s ({args.scale} plant)")
        for console in consoles.values():
            run_sessions(console.url, ["What was the OEE of line 1 yesterday?"])  # warm-up: first turn loads models
        figures: dict[str, dict[str, Any]] = {
            label: {"first": [], "total": [], "errors": 0, "wrong": 0, "wall": 0.0} for label in consoles
        }
        for _ in range(args.rounds):
            for label, console in consoles.items():
                _measure_round(console.url, args.sessions, run_sessions, figures[label])
        resident = {label: _resident_mb(console.server.pid) for label, console in consoles.items()}
    finally:
        for console in consoles.values():
            console.close()
        shutil.rmtree(scratch, ignore_errors=True)
    if "baseline" in consoles:
        print(f"baseline = {', '.join(_PACKAGES)} at {args.baseline_ref}; {args.rounds} rounds each, taken in turns")
    for label, f in figures.items():
        _print_figures(label, args.sessions * args.rounds, args.sessions, f, resident[label])
    new = figures["new"]
    print(
        f"\nui: {args.sessions} sessions, ttft p50 {statistics.median(new['first']):.2f} s, "
        f"p95 {_p95(new['first']):.2f} s, errors {new['errors']}, wrong-session {new['wrong']}; "
        f"console resident {resident['new']:.0f} MB"
    )


def _p95(values: list[float]) -> float:
    from evals.metrics import percentile

    return float(percentile(values, 95)) if values else float("nan")


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


def _measure_round(url: str, sessions: int, run_sessions: Any, into: dict[str, Any]) -> None:
    """One round: `sessions` simultaneous sessions, one question each; adds to `into`."""
    wall = time.perf_counter()
    questions = [f"What was the OEE of line {LINES[i % 4][1]} yesterday?" for i in range(sessions)]
    for outcome in run_sessions(url, questions):
        if outcome.error:
            into["errors"] += 1
            continue
        if set(re.findall(r"\bL[1-4]\b", outcome.answer)) != {LINES[outcome.index % 4]}:
            into["wrong"] += 1
            print(f"  wrong or missing answer for {outcome.question!r}: {outcome.answer[:160]!r}")
        if outcome.first_token_s is not None:
            into["first"].append(outcome.first_token_s)
        into["total"].append(outcome.total_s)
    into["wall"] += time.perf_counter() - wall


def _print_figures(label: str, turns: int, sessions: int, f: dict[str, Any], resident_mb: float) -> None:
    first, total = f["first"], f["total"]
    print(f"[{label}] {turns} turns from {sessions} simultaneous sessions in {f['wall']:.1f} s")
    print(f"[{label}]   errors {f['errors']}, answers that reached the wrong session {f['wrong']}")
    if first:
        print(f"[{label}]   time to first token  p50 {statistics.median(first):.3f} s  p95 {_p95(first):.3f} s")
        print(f"[{label}]   turn incl. sign-in   p50 {statistics.median(total):.3f} s  p95 {_p95(total):.3f} s")
    print(f"[{label}]   console resident memory {resident_mb:.0f} MB (process and children)")


if __name__ == "__main__":
    main()
