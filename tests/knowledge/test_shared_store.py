"""One store, several writers and readers (console workers on a Chroma server): a document ingested by
one is listed and found by every other; ingesting the same file at the same time never duplicates
chunks (one writes, the other finds it unchanged); the crash clean-up never removes a generation that
another writer is still writing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from chromadb.api.types import Documents, Embeddings

from knowledge import FileDocumentLocks, IngestReport, KnowledgeConfig
from tests.knowledge.conftest import HashEmbeddingFunction

IndexFactory = Callable[..., Any]

LONG_SOP = "# Spindle bearing change\n" + "".join(
    f"## {n} Step {n}\nLoosen the bearing cover bolt B-{n:02d} and check torque of {30 + n} Nm before going on.\n"
    for n in range(1, 13)
)


class SlowHashEmbedding(HashEmbeddingFunction):
    """The hash embedding, with a pause per call, so two writers surely overlap."""

    def __call__(self, input: Documents) -> Embeddings:
        time.sleep(0.15)
        return super().__call__(input)


def _worker_config(base: KnowledgeConfig, tmp_path: Path, name: str) -> KnowledgeConfig:
    """The same store seen from another worker: its own folder (own BM25 cache), same Chroma collection."""
    if base.chroma_url is None:
        return base
    return base.model_copy(update={"persist_dir": tmp_path / name})


def test_a_document_ingested_by_one_worker_is_listed_and_found_by_another(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path], tmp_path: Path
) -> None:
    reader = make_index(_worker_config(store_config, tmp_path, "worker-b"))
    assert reader.list_documents() == []
    assert reader.search("bearing cover bolt", k=3, mode="bm25") == []
    writer = make_index(_worker_config(store_config, tmp_path, "worker-a"))
    path = markdown_file("bearing.md", LONG_SOP, id="SOP-BRG", title="Spindle bearing change")
    assert writer.ingest([path]).added == ["SOP-BRG"]
    assert [(d.id, d.chunks) for d in reader.list_documents()] == [("SOP-BRG", 12)]
    hits = reader.search("torque of 37 Nm B-07", k=1, mode="bm25")
    assert [(h.citation.document, h.citation.section) for h in hits] == [
        ("SOP-BRG", "Spindle bearing change > 7 Step 7")
    ]


def test_the_same_file_ingested_at_once_by_two_workers_is_written_once(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path], tmp_path: Path
) -> None:
    path = markdown_file("bearing.md", LONG_SOP, id="SOP-BRG", title="Spindle bearing change")
    locks = FileDocumentLocks(tmp_path / "shared-locks")
    small_batches = {"batch_size": 2}
    indexes = [
        make_index(_worker_config(store_config, tmp_path, name).model_copy(update=small_batches), SlowHashEmbedding())
        for name in ("worker-a", "worker-b")
    ]
    for index in indexes:
        index.locks = locks
    reports: dict[int, IngestReport] = {}

    def ingest(number: int) -> None:
        reports[number] = indexes[number].ingest([path])

    threads = [threading.Thread(target=ingest, args=(number,)) for number in (0, 1)]
    threads[0].start()
    time.sleep(0.3)  # the first writer is in the middle of its batches
    threads[1].start()
    for thread in threads:
        thread.join(120)
    outcomes = sorted((r.added, r.unchanged, r.chunks_written) for r in reports.values())
    assert outcomes == [([], ["SOP-BRG"], 0), (["SOP-BRG"], [], 12)]
    ids = indexes[1].chunks.get()["ids"]
    assert (len(ids), len(set(ids))) == (12, 12)
    [record] = indexes[0].catalogue.all()
    assert (record.chunks, record.pending) == (12, None)


def test_the_crash_clean_up_waits_for_a_writer_instead_of_removing_its_generation(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path], tmp_path: Path
) -> None:
    path = markdown_file("bearing.md", LONG_SOP, id="SOP-BRG", title="Spindle bearing change")
    locks = FileDocumentLocks(tmp_path / "shared-locks")
    config = _worker_config(store_config, tmp_path, "worker-a").model_copy(update={"batch_size": 2})
    writer = make_index(config, SlowHashEmbedding())
    other = make_index(_worker_config(store_config, tmp_path, "worker-b"))
    writer.locks = other.locks = locks
    done = threading.Thread(target=writer.ingest, args=([path],))
    done.start()
    deadline = time.monotonic() + 60
    while not any(r.pending for r in other.catalogue.all()):  # the writer has marked its generation pending
        assert time.monotonic() < deadline
        time.sleep(0.02)
    other.recover()  # returns only after the writer finished, and then finds nothing to clean
    done.join(120)
    [record] = other.catalogue.all()
    assert (record.generation is not None, record.pending, record.chunks) == (True, None, 12)
    assert len(other.chunks.get()["ids"]) == 12


@pytest.mark.parametrize("name", ["SOP-A", "手册-甲"])
def test_file_locks_exclude_each_other(tmp_path: Path, name: str) -> None:
    locks = FileDocumentLocks(tmp_path / "locks")
    order: list[str] = []

    def second() -> None:
        with locks.hold(name):
            order.append("second")

    with locks.hold(name):
        waiter = threading.Thread(target=second)
        waiter.start()
        waiter.join(0.3)
        order.append("first")
        assert waiter.is_alive()
    waiter.join(10)
    assert order == ["first", "second"]
