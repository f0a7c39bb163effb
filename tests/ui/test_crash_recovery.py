"""`kill -9` in the middle of a seed, an ingest and an eval run, then the same command again: nothing lost, nothing
duplicated. A write that fails mid-ingest (the disk is full) leaves the previous generation intact."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors import DatabaseConfig, open_engine, plant_info

# The installed `andon` script, as an operator runs it (`python -c` would put the working directory, which holds
# the data home's `knowledge/` folder, on sys.path before the package).
_ANDON = [str(Path(sys.executable).with_name("andon"))]

pytestmark = [pytest.mark.slow]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    return {**env, "ANDON_DATA_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}


def _kill_when(argv: list[str], home: Path, ready: Callable[[], bool], timeout_s: float = 300) -> int:
    """Start `andon argv`, SIGKILL it as soon as `ready()` holds; the signal number it died of."""
    process = subprocess.Popen([*_ANDON, *argv], env=_env(home), cwd=home, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + timeout_s
    try:
        while not ready():
            assert process.poll() is None, f"andon {' '.join(argv)} ended before it could be killed"
            assert time.monotonic() < deadline, "never reached the point to kill it"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        return -process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()


def _andon(argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_ANDON, *argv], env=_env(home), cwd=home, capture_output=True, text=True, timeout=600, check=False
    )


def _count(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_seed_killed_midway_is_replaced_by_the_next_seed(tmp_path: Path, small_plant_path: Path) -> None:
    db = tmp_path / "plant.db"
    # Killed once the master data and at least one line's hourly counts are committed.
    assert _kill_when(["db", "seed", "--scale", "small"], tmp_path, lambda: _count(db, "production_count") > 0) == 9
    partial = _count(db, "production_count")
    assert partial > 0
    assert _count(db, "plant_meta") == 0  # the plant was never complete
    done = _andon(["db", "seed", "--scale", "small"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Seeded the small demo plant (seed 7)" in done.stdout
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{db}"))
    reference = open_engine(DatabaseConfig(url=f"sqlite:///{small_plant_path}"))
    try:
        # Same seed, same rows: every table as in a seed that was never interrupted (0 lost, 0 duplicated).
        assert plant_info(engine).row_counts == plant_info(reference).row_counts
    finally:
        engine.dispose()
        reference.dispose()
    again = _andon(["db", "seed", "--scale", "small"], tmp_path)
    assert again.returncode == 2  # a complete plant is never replaced without --force
    assert "already holds a plant" in again.stderr


def _write_docs(folder: Path) -> None:
    folder.mkdir()
    for n in range(1, 5):
        sections = "".join(
            f"## {s} Step {s}\n"
            + f"On line L{n}, step {s} of procedure {n}: check bearing {n}-{s}, torque {40 + s} Nm, and log it. " * 12
            + "\n"
            for s in range(1, 9)
        )
        text = f"---\nid: SOP-T{n}\ntitle: Procedure {n}\n---\n# Procedure {n}\n{sections}"
        (folder / f"proc-{n}.md").write_text(text, encoding="utf-8")


def _chunks_of(path: Path) -> int:
    """How many chunks a clean ingest makes of `path` (the same chunker, no store)."""
    from knowledge.chunking import ChunkSizes, chunk_blocks
    from knowledge.loaders import load_document

    return len(list(chunk_blocks(load_document(path).blocks, ChunkSizes())))


def _chunk_state(home: Path) -> tuple[dict[str, int], int, int]:
    """(chunks per document in the catalogue, chunk rows in the store, distinct chunk ids)."""
    from knowledge import KnowledgeConfig, open_document_index

    index = open_document_index(KnowledgeConfig(persist_dir=home / "knowledge"))
    ids = index.chunks.get()["ids"]
    return {d.id: d.chunks for d in index.list_documents()}, len(ids), len(set(ids))


def test_an_ingest_killed_midway_completes_on_the_next_run(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write_docs(docs)
    store = tmp_path / "knowledge" / "chroma" / "chroma.sqlite3"
    killed = _kill_when(["knowledge", "ingest", str(docs)], tmp_path, lambda: _count(store, "embeddings") > 0)
    assert killed == 9
    assert _count(store, "embeddings") > 0
    done = _andon(["knowledge", "ingest", str(docs)], tmp_path)
    assert done.returncode == 0, done.stderr
    per_document, rows, distinct = _chunk_state(tmp_path)
    expected = {f"SOP-T{n}": _chunks_of(docs / f"proc-{n}.md") for n in range(1, 5)}
    assert per_document == expected  # every document, with all its chunks (0 lost)
    assert rows == distinct == sum(expected.values())  # no chunk twice, no orphan (0 duplicated)


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def test_an_eval_run_killed_midway_is_resumed_by_the_same_command(tmp_path: Path, small_plant_path: Path) -> None:
    import shutil

    shutil.copy(small_plant_path, tmp_path / "plant.db")
    results = tmp_path / "run" / "results.jsonl"
    argv = ["eval", "run", "routing", "--model", "offline", "--out", str(tmp_path / "run")]
    assert _kill_when(argv, tmp_path, lambda: _lines(results) >= 40) == 9
    before = _lines(results)
    again = _andon(argv, tmp_path)
    assert again.returncode in (0, 1), again.stderr  # 1: below a pass rate, never a crash
    keys: list[tuple[str, str, int]] = []
    for line in results.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # the line the kill tore; the resume ended it and played that attempt again
        keys.append((record["suite"], record["case_id"], record["attempt"]))
    assert len(keys) == len(set(keys)) == 374  # the routing suite's cases, each once: 0 lost, 0 duplicated
    assert before >= 40
