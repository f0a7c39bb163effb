"""Ingestion: idempotent by content hash, atomic replacement, remove, crash recovery, bad inputs, long documents.

Runs against the embedded store and a real `chroma run` server, with an instant hash embedding.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from knowledge import IngestProgress, KnowledgeConfig, KnowledgeError
from tests.knowledge.conftest import HashEmbeddingFunction

# `make_index` (conftest.py) opens a DocumentIndex with an instant hash embedding.
IndexFactory = Callable[..., Any]

STEPS = "# Changeover\n## 3 Steps\n1. Stop the machine.\n2. Lock out CNC-03.\n3. Change the fixture.\n"


def _chunk_ids(index: object) -> list[str]:
    return sorted(index.chunks.get()["ids"])  # type: ignore[attr-defined]


def test_ingest_lists_documents_with_metadata(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    folder = markdown_file("chg.md", STEPS, id="SOP-CHG", title="Changeover", lines="[L2]").parent
    markdown_file("loto.md", "# LOTO\nLock every energy source.\n", id="SOP-LOTO", access_level="engineer")
    index = make_index(store_config)
    report = index.ingest([folder])
    assert (report.added, report.updated, report.unchanged, report.failed) == (["SOP-CHG", "SOP-LOTO"], [], [], [])
    assert report.chunks_written == 2
    listed = {d.id: d for d in index.list_documents()}
    assert (listed["SOP-CHG"].title, listed["SOP-CHG"].lines, listed["SOP-CHG"].chunks) == ("Changeover", ["L2"], 1)
    assert (listed["SOP-LOTO"].title, listed["SOP-LOTO"].access_level) == ("LOTO", "engineer")
    assert listed["SOP-LOTO"].language == "en"


def test_reingesting_unchanged_files_changes_nothing(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    path = markdown_file("chg.md", STEPS, id="SOP-CHG")
    index = make_index(store_config)
    index.ingest([path])
    before = (index.list_documents(), _chunk_ids(index))
    report = index.ingest([path])
    assert (report.added, report.updated, report.unchanged, report.chunks_written) == ([], [], ["SOP-CHG"], 0)
    assert (index.list_documents(), _chunk_ids(index)) == before


def test_changed_file_replaces_its_chunks(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    path = markdown_file("chg.md", STEPS, id="SOP-CHG")
    index = make_index(store_config)
    index.ingest([path])
    old_ids = _chunk_ids(index)
    markdown_file("chg.md", STEPS.replace("60", "65") + "## 4 Release\nQuality releases the order.\n", id="SOP-CHG")
    report = index.ingest([path])
    assert report.updated == ["SOP-CHG"]
    new_ids = _chunk_ids(index)
    assert len(new_ids) == 2
    assert not set(old_ids) & set(new_ids)
    hits = index.search("quality releases the order", k=5, role="operator", mode="bm25")
    assert [h.citation.section for h in hits] == ["Changeover > 4 Release"]


def test_remove_deletes_document_and_chunks(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    path = markdown_file("chg.md", STEPS, id="SOP-CHG")
    index = make_index(store_config)
    index.ingest([path])
    removed = index.remove("SOP-CHG")
    assert (removed.id, removed.chunks) == ("SOP-CHG", 1)
    assert index.list_documents() == []
    assert _chunk_ids(index) == []
    with pytest.raises(KnowledgeError, match="no document 'SOP-CHG'"):
        index.remove("SOP-CHG")


class _CrashError(Exception):
    pass


def test_crash_mid_document_leaves_no_duplicates_and_rerun_completes(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    body = "# Manual\n" + "".join(f"## {n} Part {n}\nSection {n} text about bearing {n}.\n" for n in range(1, 7))
    path = markdown_file("manual.md", body, id="MM-X")
    config = store_config.model_copy(update={"batch_size": 2})
    index = make_index(config)

    def crash_after_first_batch(event: IngestProgress) -> None:
        if event.chunks_done >= 2 and not event.finished:
            raise _CrashError

    with pytest.raises(_CrashError):
        index.ingest([path], progress=crash_after_first_batch)
    # Readers see nothing of the half-written document.
    assert index.list_documents() == []
    assert index.search("bearing 1", k=5, role="operator") == []

    report = make_index(config).ingest([path])  # a new process would do the same
    assert report.added == ["MM-X"]
    assert len(_chunk_ids(index)) == 6
    assert [d.chunks for d in index.list_documents()] == [6]


def test_crash_while_replacing_keeps_the_old_version_readable(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    old = "# Manual\n" + "".join(f"## {n} Part {n}\nOld text {n}.\n" for n in range(1, 5))
    path = markdown_file("manual.md", old, id="MM-X")
    config = store_config.model_copy(update={"batch_size": 1})
    index = make_index(config)
    index.ingest([path])
    old_ids = _chunk_ids(index)
    markdown_file("manual.md", old.replace("Old", "New"), id="MM-X")

    def crash(event: IngestProgress) -> None:
        if event.chunks_done == 2:
            raise _CrashError

    with pytest.raises(_CrashError):
        index.ingest([path], progress=crash)
    hits = index.search("text", k=10, role="operator", mode="bm25")
    assert sorted(h.chunk_id for h in hits) == old_ids
    assert all(h.text.startswith("Old") for h in hits)

    assert index.ingest([path]).updated == ["MM-X"]
    hits = index.search("text", k=10, role="operator", mode="bm25")
    assert len(hits) == 4
    assert all(h.text.startswith("New") for h in hits)
    assert len(_chunk_ids(index)) == 4


def test_bad_inputs_are_reported_one_line_each_and_the_rest_is_ingested(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path], tmp_path: Path
) -> None:
    folder = markdown_file("good.md", STEPS, id="SOP-OK").parent
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\ngarbage")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "cad.dwg").write_bytes(b"AC1032")
    (folder / "blank.md").write_text("---\nid: BLANK\n---\n\n", encoding="utf-8")
    (folder / "bad-meta.md").write_text("---\ntype: memo\n---\nText.\n", encoding="utf-8")
    index = make_index(store_config)
    report = index.ingest([folder, tmp_path / "missing"])
    assert report.added == ["SOP-OK"]
    assert sorted((Path(f.path).name, f.message) for f in report.failed) == [
        (
            "bad-meta.md",
            "metadata doc_type: Input should be 'sop', 'work_instruction', 'maintenance_manual', "
            "'quality_spec', 'safety_procedure', 'troubleshooting_guide' or 'supplier_agreement'",
        ),
        ("blank.md", "no text found (a scanned PDF needs OCR first)"),
        ("broken.pdf", "corrupt or unreadable PDF (Stream has ended unexpectedly)"),
        ("cad.dwg", "unsupported file type .dwg"),
        ("empty.txt", "empty file"),
        ("missing", "no such file or folder"),
    ]
    assert all("\n" not in line for line in report.lines())
    assert report.lines()[-1] == "1 added, 0 updated, 0 unchanged, 6 failed; 1 chunks written"
    assert [d.id for d in index.list_documents()] == ["SOP-OK"]


def test_duplicate_document_id_in_one_batch_is_reported(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    markdown_file("a.md", "# A\nText A.\n", id="DOC")
    folder = markdown_file("b.md", "# B\nText B.\n", id="DOC").parent
    report = make_index(store_config).ingest([folder])
    assert report.added == ["DOC"]
    failures = [(Path(f.path).name, f.message) for f in report.failed]
    assert failures == [("b.md", "document id DOC is already used by a.md")]


@pytest.mark.slow
def test_500_page_document_streams_in_bounded_batches(tmp_path: Path, make_index: IndexFactory) -> None:
    from fpdf import FPDF

    filler = "Record the reading on the check sheet and compare it with the previous shift. " * 9
    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    for page in range(1, 501):
        pdf.add_page()
        pdf.multi_cell(0, 5, f"Check valve VB-{page} before the run. {filler}", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "long.pdf"))
    index = make_index(KnowledgeConfig(persist_dir=tmp_path / "store", batch_size=16))
    steps: list[int] = []
    report = index.ingest([tmp_path / "long.pdf"], progress=lambda e: steps.append(e.chunks_done))
    assert report.added == ["long"]
    [document] = index.list_documents()
    # About 150 size units a page: two pages exceed the 220 target, so every page is its own chunk.
    assert (document.pages, document.chunks) == (500, 500)
    # Chunks are embedded and written 16 at a time: the document is never held in memory at once.
    batches, finished = steps[:-1], steps[-1]
    full = batches[:-1]
    assert [b - a for a, b in zip([0, *full[:-1]], full, strict=True)] == [16] * 31
    assert (batches[-1], finished) == (500, 500)  # the last partial batch (4 chunks), then "finished"
    assert [h.citation.page for h in index.search("VB-377", k=1, role="operator", mode="bm25")] == [377]


def test_a_changed_document_re_embeds_only_its_changed_chunks(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    body = "# Manual\n" + "".join(f"## {n} Part {n}\nSection {n} text about bearing {n}.\n" for n in range(1, 5))
    path = markdown_file("manual.md", body, id="MM-X")
    index = make_index(store_config)
    first = index.ingest([path])
    assert (first.chunks_written, first.chunks_embedded) == (4, 4)
    before = index.chunks.get(include=["embeddings", "documents"])
    vectors = dict(zip(before["documents"], before["embeddings"], strict=True))

    markdown_file("manual.md", body.replace("Section 3 text", "Section 3 revised text"), id="MM-X")
    second = index.ingest([path])
    assert (second.updated, second.chunks_written, second.chunks_embedded) == (["MM-X"], 4, 1)
    after = index.chunks.get(include=["embeddings", "documents"])
    assert len(after["ids"]) == 4
    for text, vector in zip(after["documents"], after["embeddings"], strict=True):
        if "revised" in text:
            assert text not in vectors
        else:
            assert list(vector) == list(vectors[text])  # kept, not recomputed
    # A new title changes every chunk's embedded text (title and section are part of it): all re-embedded.
    markdown_file("manual.md", body, id="MM-X", title="Spindle manual")
    assert index.ingest([path]).chunks_embedded == 4
    # Unchanged files still cost nothing.
    assert index.ingest([path]).chunks_embedded == 0


def _count_writes(index: Any) -> dict[str, int]:
    """Count Chroma upserts on the chunk and catalogue collections of `index`."""
    counts = {"chunks": 0, "catalogue": 0}
    for name, collection in (("chunks", index.chunks), ("catalogue", index.catalogue.collection)):
        original = collection.upsert

        def counted(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            counts[_name] += 1
            return _original(*args, **kwargs)

        collection.upsert = counted
    return counts


def _two_part_docs(markdown_file: Callable[..., Path], names: list[str]) -> list[Path]:
    body = "# {0}\n## 1 Start\n{0} first part.\n## 2 End\n{0} second part.\n"
    return [markdown_file(f"{name}.md", body.format(name), id=name) for name in names]


def test_small_documents_share_their_chroma_writes(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    # Six documents of two chunks, batches of four: three chunk writes (not six), and the catalogue
    # written three times to mark batches pending and four times to switch documents (not twelve).
    paths = _two_part_docs(markdown_file, [f"DOC-{n}" for n in range(1, 7)])
    index = make_index(store_config.model_copy(update={"batch_size": 4}))
    writes = _count_writes(index)
    finished: list[str] = []
    report = index.ingest([paths[0].parent], progress=lambda e: finished.append(e.document) if e.finished else None)
    assert (report.added, report.chunks_written, report.chunks_embedded) == ([f"DOC-{n}" for n in range(1, 7)], 12, 12)
    assert writes == {"chunks": 3, "catalogue": 7}
    assert finished == [f"DOC-{n}" for n in range(1, 7)]
    assert [(d.id, d.chunks) for d in index.list_documents()] == [(f"DOC-{n}", 2) for n in range(1, 7)]
    hits = index.search("DOC-5 second part", k=1, role="operator", mode="bm25")
    assert [(h.citation.document, h.text) for h in hits] == [("DOC-5", "DOC-5 second part.")]
    assert index.ingest([paths[0].parent]).unchanged == [f"DOC-{n}" for n in range(1, 7)]


class _RefusesPoison(HashEmbeddingFunction):
    """Fails like an embedding endpoint that is down, for any batch with the word "poison"."""

    def __call__(self, input: Any) -> Any:
        if any("poison" in text for text in input):
            raise KnowledgeError("embedding endpoint http://127.0.0.1:9/v1 failed: ConnectError")
        return super().__call__(input)


def test_a_failed_model_call_fails_the_documents_of_its_batch_only(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    config = store_config.model_copy(update={"batch_size": 4})
    index = make_index(config, _RefusesPoison())
    [first] = _two_part_docs(markdown_file, ["DOC-A"])
    index.ingest([first])
    # DOC-A changes and shares its batch with DOC-B, whose text the model refuses; DOC-C comes after.
    first.write_text(first.read_text(encoding="utf-8").replace("first part", "revised part"), encoding="utf-8")
    markdown_file("DOC-B.md", "# B\n## 1 Start\npoison text.\n## 2 End\nmore text.\n", id="DOC-B")
    markdown_file("DOC-C.md", "# C\n## 1 Start\nclean text.\n## 2 End\nother text.\n", id="DOC-C")

    report = index.ingest([first.parent])

    assert [(Path(f.path).name, f.message) for f in report.failed] == [
        ("DOC-A.md", "embedding endpoint http://127.0.0.1:9/v1 failed: ConnectError"),
        ("DOC-B.md", "embedding endpoint http://127.0.0.1:9/v1 failed: ConnectError"),
    ]
    assert (report.added, report.updated) == (["DOC-C"], [])
    assert [(d.id, d.chunks) for d in index.list_documents()] == [("DOC-A", 2), ("DOC-C", 2)]
    texts = sorted(index.chunks.get(include=["documents"])["documents"])
    assert texts == ["DOC-A first part.", "DOC-A second part.", "clean text.", "other text."]  # old DOC-A kept
    assert [r.pending for r in index.catalogue.all()] == [None, None]


def test_a_full_disk_while_replacing_says_so_and_keeps_the_previous_version(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    import errno

    old = "# Manual\n" + "".join(f"## {n} Part {n}\nOld text {n}.\n" for n in range(1, 5))
    path = markdown_file("manual.md", old, id="MM-X")
    config = store_config.model_copy(update={"batch_size": 1})
    index = make_index(config)
    index.ingest([path])
    old_ids = _chunk_ids(index)
    markdown_file("manual.md", old.replace("Old", "New"), id="MM-X")
    upsert = index.chunks.upsert
    writes: list[int] = []

    def disk_full_after_one_batch(**kwargs: Any) -> None:
        writes.append(len(kwargs["ids"]))
        if len(writes) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        upsert(**kwargs)

    index.chunks.upsert = disk_full_after_one_batch
    report = index.ingest([path])
    assert [(f.path, f.message) for f in report.failed] == [
        (
            str(path),
            "cannot be written (No space left on device); the previous version is kept / "
            "写入失败（磁盘空间不足或只读），保留原版本",
        )
    ]
    assert report.lines()[-1].count("\n") == 0
    hits = index.search("text", k=10, role="operator", mode="bm25")
    assert sorted(h.chunk_id for h in hits) == old_ids  # readers still on the previous generation
    assert all(h.text.startswith("Old") for h in hits)
    assert [d.chunks for d in index.list_documents()] == [4]

    index.chunks.upsert = upsert  # space freed: the next run replaces it, with no chunk of the failed try left
    assert make_index(config).ingest([path]).updated == ["MM-X"]
    hits = index.search("text", k=10, role="operator", mode="bm25")
    assert sorted(h.text for h in hits) == [f"New text {n}." for n in range(1, 5)]
    assert len(_chunk_ids(index)) == 4
