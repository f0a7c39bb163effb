"""Sentence embeddings of the safety classifier's training texts, looked up before they are computed.

`data/embeddings-<embedder id>.npz` holds the vectors of the safety training and dev splits (same format and keys
as the router's file, see `agents.routing.embedding_cache`); the routing set's requests and the tools'
examples are looked up in the router's own shipped file. A text in neither is embedded at training time, so a stale file
costs time, never correctness. A shipped file is used only if the local embedder reproduces its probe
texts within the cross-kernel bounds (`agents.routing.embedding_cache.vectors_agree`), so vectors of
another model under the same name are never mixed in. Rebuild with `python -m agents.safety.build_embeddings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agents.routing.dataset import DATA_DIR as ROUTING_DATA_DIR
from agents.routing.embedding_cache import (
    embedder_id_of,
    read_probes,
    read_vectors,
    shipped_embeddings_path,
    text_key,
    vectors_agree,
)
from agents.routing.features import Embedder, Matrix
from agents.safety.dataset import DATA_DIR

__all__ = ["training_vectors"]


def training_vectors(texts: Sequence[str], embedder: Embedder) -> Matrix:
    """Embeddings of normalised `texts`: shipped vectors (safety's, then the router's) first, the rest embedded."""
    embedder_id = embedder_id_of(embedder)
    known: dict[str, Matrix] = {}
    if embedder_id != "custom":  # vectors of another embedder are never reused
        for directory in (ROUTING_DATA_DIR, DATA_DIR):
            known.update(_trusted_vectors(shipped_embeddings_path(embedder_id, directory), embedder, embedder_id))
    keys = [text_key(text) for text in texts]
    missing = list(dict.fromkeys(text for text, key in zip(texts, keys, strict=True) if key not in known))
    if missing:
        known.update(zip((text_key(text) for text in missing), embedder(missing), strict=True))
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([known[key] for key in keys])


def _trusted_vectors(path: Path, embedder: Embedder, embedder_id: str) -> dict[str, Matrix]:
    """The file's vectors, or none when `embedder` does not reproduce its probe texts."""
    vectors = read_vectors(path, embedder_id)
    probes = [text for text in read_probes(path) if text_key(text) in vectors]
    if probes and not vectors_agree(np.stack([vectors[text_key(text)] for text in probes]), embedder(probes)):
        return {}
    return vectors
