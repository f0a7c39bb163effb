"""Hybrid retrieval: access levels filter before ranking, metadata filters, RRF, citations, codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from knowledge import KnowledgeConfig, KnowledgeError
from knowledge.retrieval import reciprocal_rank_fusion

# `make_index` (conftest.py) opens a DocumentIndex with an instant hash embedding.
IndexFactory = Callable[..., Any]


def test_reciprocal_rank_fusion_sums_one_over_k_plus_rank() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=60)
    assert fused == {"a": 1 / 61, "b": 1 / 62 + 1 / 61, "c": 1 / 62}


def test_weighted_reciprocal_rank_fusion() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b", "a"]], k=60, weights=[1.0, 0.5])
    assert fused == {"a": 1 / 61 + 0.5 / 62, "b": 0.5 / 61}


@pytest.fixture
def plant_docs(markdown_file: Callable[..., Path]) -> Path:
    markdown_file(
        "public.md",
        "# Spindle\n## Bearing check\nCheck the spindle bearing noise weekly.\n",
        id="MM-PUBLIC",
        type="maintenance_manual",
        lines="[L2]",
        equipment="[CNC-03]",
    )
    markdown_file(
        "secret.md",
        "# Spindle\n## Bearing preload\nSpindle bearing preload setting: 1800 N.\n",
        id="MM-ENGINEER",
        type="maintenance_manual",
        access_level="engineer",
        lines="[L2]",
    )
    markdown_file(
        "admin.md",
        "# Spindle\n## Bearing contract\nSpindle bearing price: 4200 CNY.\n",
        id="SQA-ADMIN",
        type="supplier_agreement",
        access_level="admin",
    )
    return markdown_file(
        "loto.md",
        "# LOTO\n## Steps\n1. Lock the spindle drive.\n",
        id="SOP-LOTO",
        type="safety_procedure",
        version="4.0",
    ).parent


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_operator_never_receives_chunks_above_their_level(
    store_config: KnowledgeConfig, make_index: IndexFactory, plant_docs: Path, mode: str
) -> None:
    index = make_index(store_config)
    index.ingest([plant_docs])
    seen = {h.citation.document for h in index.search("spindle bearing preload 1800", k=10, role="operator", mode=mode)}  # type: ignore[arg-type]
    assert seen == {"MM-PUBLIC", "SOP-LOTO"} if mode != "bm25" else seen <= {"MM-PUBLIC", "SOP-LOTO"}
    engineer = {
        h.citation.document for h in index.search("spindle bearing preload 1800", k=10, role="engineer", mode=mode)
    }  # type: ignore[arg-type]
    assert "MM-ENGINEER" in engineer
    assert "SQA-ADMIN" not in engineer
    admin = {h.citation.document for h in index.search("spindle bearing", k=10, role="admin", mode=mode)}  # type: ignore[arg-type]
    assert "SQA-ADMIN" in admin


def test_filters_by_type_line_and_equipment(
    store_config: KnowledgeConfig, make_index: IndexFactory, plant_docs: Path
) -> None:
    index = make_index(store_config)
    index.ingest([plant_docs])

    def docs(**filters: str) -> set[str]:
        return {h.citation.document for h in index.search("spindle", k=10, role="admin", filters=filters)}

    assert docs(doc_type="safety_procedure") == {"SOP-LOTO"}
    # Documents without lines apply plant-wide and pass a line filter.
    assert docs(line="l2") == {"MM-PUBLIC", "MM-ENGINEER", "SQA-ADMIN", "SOP-LOTO"}
    assert docs(line="L4") == {"SQA-ADMIN", "SOP-LOTO"}
    assert docs(equipment="CNC-03", doc_type="maintenance_manual") == {"MM-PUBLIC", "MM-ENGINEER"}


def test_results_carry_citation_and_scores(
    store_config: KnowledgeConfig, make_index: IndexFactory, plant_docs: Path
) -> None:
    index = make_index(store_config)
    index.ingest([plant_docs])
    only_loto = {"document": "SOP-LOTO"}
    [hit] = index.search("lock the spindle drive", k=1, role="operator", filters=only_loto, expand=False)
    assert hit.text == "1. Lock the spindle drive."
    assert hit.citation.model_dump() == {
        "document": "SOP-LOTO",
        "title": "LOTO",
        "section": "LOTO > Steps",
        "page": None,
        "version": "4.0",
    }
    assert hit.citation.label() == "SOP-LOTO v4.0, LOTO > Steps"
    # First of one chunk in the dense ranking (weight 1) and the BM25 ranking (weight 0.5).
    assert hit.scores.fused == pytest.approx(1.5 / 61)
    assert hit.scores.bm25 is not None
    assert hit.scores.bm25 > 0
    assert hit.scores.dense is not None
    assert 0 < hit.scores.dense <= 1
    # The glossary translation "锁具 主轴" is a second query: dense (weight 0.7) ranks the only chunk
    # first, BM25 finds no Chinese term in it.
    [expanded] = index.search("lock the spindle drive", k=1, role="operator", filters=only_loto)
    assert expanded.scores.fused == pytest.approx(2.2 / 61)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "visitor"}, "unknown role 'visitor'"),
        ({"filters": {"doc_type": "memo"}}, "unknown document type 'memo'"),
        ({"filters": {"colour": "red"}}, "unknown search filter 'colour'"),
        ({"k": 0}, "k must be at least 1"),
    ],
)
def test_bad_search_arguments_are_user_errors(
    tmp_path: Path, make_index: IndexFactory, kwargs: dict[str, object], message: str
) -> None:
    index = make_index(KnowledgeConfig(persist_dir=tmp_path))
    arguments: dict[str, object] = {"k": 5, "role": "operator", **kwargs}
    with pytest.raises(KnowledgeError, match=message):
        index.search("spindle", **arguments)  # type: ignore[arg-type]


def test_empty_index_returns_nothing(tmp_path: Path, make_index: IndexFactory) -> None:
    assert make_index(KnowledgeConfig(persist_dir=tmp_path)).search("spindle", k=5, role="admin") == []


class _Counting:
    """Wraps an embedding function or a collection and counts the calls of one method."""

    def __init__(self, inner: Any, method: str) -> None:
        self.inner = inner
        self.method = method
        self.calls: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if name != self.method:
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(args[0] if args else kwargs)
            return attribute(*args, **kwargs)

        return counted


def test_one_embedding_call_and_one_chroma_query_per_search(
    store_config: KnowledgeConfig, make_index: IndexFactory, plant_docs: Path
) -> None:
    index = make_index(store_config)
    index.ingest([plant_docs])
    index.query_vectors.embedding_function = embedder = _Counting(index.embedding_function, "embed_query")
    index.chunks = chunks = _Counting(index.chunks, "query")
    # "lock the spindle drive" has a glossary translation: two texts, embedded together, queried together.
    index.search("lock the spindle drive", k=3, role="admin")
    assert embedder.calls == [["lock the spindle drive", "主轴 锁具"]]
    assert len(chunks.calls) == 1
    # The same question again (another operator, a retry) needs no model call at all.
    index.search("lock the spindle drive", k=3, role="operator")
    assert len(embedder.calls) == 1


def test_dense_candidates_without_a_chroma_filter_equal_the_filtered_query(
    store_config: KnowledgeConfig, make_index: IndexFactory, plant_docs: Path
) -> None:
    from knowledge.dense import dense_rankings

    index = make_index(store_config)
    index.ingest([plant_docs])
    view = index.catalogue_view()
    vectors = index.query_vectors(["spindle bearing preload", "lock the drive"])
    for role, max_rank in (("operator", 0), ("engineer", 1), ("admin", 3)):
        admitted = [r for r in view.records if r.access_level in ("operator", "engineer", "admin")[: max_rank + 1]]
        allowed = {str(r.generation) for r in admitted}
        share = sum(r.chunks for r in admitted)
        unfiltered = dense_rankings(index.chunks, vectors, allowed, max_rank, 2, (share, view.chunks))
        filtered = dense_rankings(index.chunks, vectors, allowed, max_rank, 2, (0, view.chunks))  # forces the filter
        assert unfiltered == filtered, role
        seen = {chunk_id.split("@")[0] for ranking in unfiltered for chunk_id, _ in ranking}
        assert seen <= {r.id for r in admitted}, role


def test_chunks_of_a_crashed_ingest_never_reach_a_reader(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path]
) -> None:
    index = make_index(store_config.model_copy(update={"batch_size": 1}))
    index.ingest([markdown_file("a.md", "# Bearing\nSpindle bearing check.\n", id="DOC-A")])
    body = "# Bearing manual\n" + "".join(f"## {n} Part\nSpindle bearing step {n}.\n" for n in range(1, 5))

    def crash(event: Any) -> None:
        if event.chunks_done == 2 and not event.finished:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        index.ingest([markdown_file("b.md", body, id="DOC-B")], progress=crash)
    assert index.count_chunks() == 3  # two chunks of DOC-B are in Chroma, pending
    for mode in ("hybrid", "dense", "bm25"):
        hits = index.search("spindle bearing step", k=10, role="admin", mode=mode)  # type: ignore[arg-type]
        assert {h.citation.document for h in hits} == {"DOC-A"}, mode


def test_a_document_ingested_by_another_process_is_found_by_the_next_search(
    store_config: KnowledgeConfig, make_index: IndexFactory, markdown_file: Callable[..., Path], tmp_path: Path
) -> None:
    import subprocess
    import sys
    import textwrap

    reader = make_index(store_config)
    reader.ingest([markdown_file("a.md", "# LOTO\n## Steps\nLock every energy source.\n", id="SOP-LOTO")])
    assert [h.citation.document for h in reader.search("energy source", k=5, role="operator")] == ["SOP-LOTO"]
    unchanged = reader.catalogue_view()
    reader.search("energy source", k=5, role="operator")
    assert reader.catalogue_view() is unchanged  # nothing changed: the view (and BM25 index) is kept

    new_doc = markdown_file("b.md", "# Coolant\n## E-230\nTop up the coolant tank with RM-1201.\n", id="TG-COOLANT")
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from conftest import HashEmbeddingFunction
        from knowledge import DocumentIndex, KnowledgeConfig
        from knowledge.store import open_chroma
        config = KnowledgeConfig.model_validate_json({store_config.model_dump_json()!r})
        index = DocumentIndex(config, open_chroma(config), HashEmbeddingFunction())
        print(index.ingest([{str(new_doc)!r}]).added)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["['TG-COOLANT']"]
    assert [h.citation.document for h in reader.search("RM-1201 coolant", k=1, role="operator", mode="bm25")] == [
        "TG-COOLANT"
    ]
    assert "TG-COOLANT" in {h.citation.document for h in reader.search("RM-1201 coolant", k=2, role="operator")}
    if store_config.chroma_url:
        # Chroma's embedded client keeps its vector index in memory and does not see vectors another
        # process wrote (its own documentation: one process per embedded store); a server does.
        hits = reader.search("RM-1201 coolant", k=1, role="operator", mode="dense")
        assert [h.citation.document for h in hits] == ["TG-COOLANT"]
    # And a removal by another process is seen too.
    make_index(store_config).remove("TG-COOLANT")
    assert {h.citation.document for h in reader.search("RM-1201 coolant", k=5, role="operator")} == {"SOP-LOTO"}
