"""First start of the demo: `andon demo` on an empty data home until the console answers over HTTP.

    python benchmarks/demo.py [--rounds 2] [--baseline-ref 3280a39]

Each round starts `andon demo` (this interpreter's installation, as after `pip install -e .`) on a
new, empty data home and a free port, and times it from the process start until the console's page
answers; the time of each line `andon demo` prints is kept, so the seeding, the documents and the
console start-up are seen apart. Then the same home is started a second time (plant and documents
present, nothing to do) for comparison. The baseline (the packages of git revision
`--baseline-ref`, exported with `git archive` and put first on PYTHONPATH) is started the same way;
the rounds are taken in turns, one start at a time. Ends with
`demo: first start to answering console X s` (median of this tree's rounds).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

# Run as `python benchmarks/demo.py`, this folder comes first on sys.path; keep it off like the others.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

_ROOT = Path(__file__).resolve().parents[1]
_PACKAGES = ("connectors", "knowledge", "tools", "agents", "evals", "ui")
# `andon demo` prints its example questions once plant and documents are ready.
_MILESTONES = (("plant and documents ready", ("Try /",)),)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _export(ref: str, into: Path) -> Path:
    """The packages of git revision `ref`, unpacked under `into` (which then goes on PYTHONPATH)."""
    archive = into / "baseline.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "-C", str(_ROOT), "archive", "--format=tar", ref, *_PACKAGES], stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "baseline", filter="data")
    return into / "baseline"


def _start(home: Path, pythonpath: Path | None, timeout_s: float) -> tuple[float, list[tuple[float, str]]]:
    """Seconds from starting `andon demo` until its console answers, and each printed line with its time."""
    port = _free_port()
    env = {
        **os.environ,
        "ANDON_DATA_HOME": str(home),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "COLUMNS": "200",
        "PYTHONUNBUFFERED": "1",
    }
    home.parent.mkdir(parents=True, exist_ok=True)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    lines: list[tuple[float, str]] = []
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "demo", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=home.parent,  # not this checkout: `-m` puts the working folder first on sys.path
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append((time.perf_counter() - started, line.rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while time.perf_counter() - started < timeout_s:
            if process.poll() is not None:
                output = "\n".join(text for _, text in lines[-10:])
                raise SystemExit(f"andon demo exited with {process.returncode}:\n{output}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    return time.perf_counter() - started, lines
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"the console did not answer within {timeout_s:.0f} s")
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=5)


def _milestones(lines: list[tuple[float, str]]) -> str:
    """When plant and documents were ready, from the lines `andon demo` printed."""
    found = []
    for name, markers in _MILESTONES:
        at = next((t for t, text in lines if any(m in text for m in markers)), None)
        if at is not None:
            found.append(f"{name} at {at:.1f} s")
    return ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="First starts per implementation, taken in turns.")
    parser.add_argument("--baseline-ref", default="3280a39", help="Git revision of the baseline (or 'none').")
    parser.add_argument("--timeout", type=float, default=600.0, help="Give up on a start after this many seconds.")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    scratch = Path(tempfile.mkdtemp(prefix="andon-demo-bench-"))
    trees: dict[str, Path | None] = {"new": None}
    if args.baseline_ref != "none":
        trees["baseline"] = _export(args.baseline_ref, scratch)
    first: dict[str, list[float]] = {label: [] for label in trees}
    again: dict[str, list[float]] = {label: [] for label in trees}
    try:
        for number in range(args.rounds):
            for label, tree in trees.items():
                home = scratch / f"home-{label}-{number}"
                seconds, lines = _start(home, tree, args.timeout)
                first[label].append(seconds)
                print(f"[{label}] round {number + 1}: first start {seconds:.1f} s ({_milestones(lines)})")
                seconds, _ = _start(home, tree, args.timeout)
                again[label].append(seconds)
                print(f"[{label}] round {number + 1}: second start, everything present, {seconds:.1f} s")
                shutil.rmtree(home, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if "baseline" in trees:
        print(f"baseline = {', '.join(_PACKAGES)} at {args.baseline_ref}; {args.rounds} rounds each, taken in turns")
    for label in trees:
        print(
            f"[{label}] first start median {statistics.median(first[label]):.1f} s "
            f"[{', '.join(f'{x:.1f}' for x in first[label])}]; "
            f"second start median {statistics.median(again[label]):.1f} s"
        )
    print(f"\ndemo: first start to answering console {statistics.median(first['new']):.1f} s")


if __name__ == "__main__":
    main()
