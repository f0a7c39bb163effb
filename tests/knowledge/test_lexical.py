"""The sparse BM25 index: same ranking as the reference BM25, Chinese and codes, masks before ranking,
generation switches, crash safety of the token store."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from knowledge.lexical import BM25_B, BM25_K1, LexicalIndex
from knowledge.terms import tokenize

CHUNKS = {
    "loto@1": [
        "Lockout steps: switch off and isolate every energy source, put your personal lock on it.",
        "Removing locks: each person removes only their own lock after the guards are refitted.",
    ],
    "alarms@1": [
        "E-217 Spindle vibration high: check the tool, then the spindle bearing of CNC-03.",
        "E-230 Coolant level low: top up cutting fluid RM-1201 and check the coolant pump.",
        "E-205 Tool life limit reached: replace the insert and reset the tool life counter.",
    ],
    "alarms-zh@1": [
        "E-217 主轴振动过高：检查刀具是否崩刃，主轴轴承可能磨损，通知维修。",
        "E-230 冷却液液位低：补充切削液，检查冷却泵和管路是否泄漏。",
    ],
    "press@1": [
        "E-410 Hydraulic pressure low on PRS-01: check the oil level and look for a hydraulic leak.",
        "Spindle bearing preload of the press-fit station is set by maintenance only.",
    ],
}


def _ids(generation: str) -> list[str]:
    return [f"{generation}-{n:05d}" for n in range(len(CHUNKS[generation]))]


def _no_fetch(generation: str) -> tuple[list[str], list[str]]:
    raise AssertionError(f"{generation} should have come from the token store")


def _fetch(generation: str) -> tuple[list[str], list[str]]:
    return _ids(generation), CHUNKS[generation]


def _index(tmp_path: Path, generations: list[str]) -> LexicalIndex:
    index = LexicalIndex(tmp_path / "bm25")
    index.sync(generations, _fetch)
    return index


def _reference(generations: list[str], query: str) -> list[tuple[str, float]]:
    """rank_bm25's Okapi BM25 with Lucene's idf: the implementation this index replaced."""
    from rank_bm25 import BM25Okapi

    class LuceneIdf(BM25Okapi):  # type: ignore[misc]
        def _calc_idf(self, nd: dict[str, int]) -> None:
            for word, freq in nd.items():
                self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))

    ids = [i for g in sorted(generations) for i in _ids(g)]
    corpus = [tokenize(t) for g in sorted(generations) for t in CHUNKS[g]]
    scores = LuceneIdf(corpus, k1=BM25_K1, b=BM25_B).get_scores(tokenize(query))
    ranked = [(ids[i], float(s)) for i, s in enumerate(scores) if s > 0]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))


@pytest.mark.parametrize(
    "query",
    [
        "spindle bearing",
        "E-217",
        "e217 vibration",
        "冷却液 泄漏",
        "lock energy source lock",
        "CNC-03 主轴轴承",
        "nothing",
    ],
)
def test_same_ranking_and_scores_as_the_reference_bm25(tmp_path: Path, query: str) -> None:
    generations = list(CHUNKS)
    got = _index(tmp_path, generations).search(query, set(generations), n=10)
    expected = _reference(generations, query)
    assert [i for i, _ in got] == [i for i, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9)


def test_codes_are_single_tokens_and_chinese_is_segmented() -> None:
    tokens = tokenize("报警E-217：CNC-03 主轴振动过高，备件 PN-4471")
    assert {"e217", "cnc03", "pn4471", "主轴", "振动"} <= set(tokens)
    assert "e" not in tokens
    assert "217" not in tokens


def test_a_code_finds_its_chunk_written_either_way(tmp_path: Path) -> None:
    index = _index(tmp_path, list(CHUNKS))
    for query in ("E-217", "e217", "E217 报警"):
        hits = index.search(query, set(CHUNKS), n=5)
        assert {i for i, _ in hits} == {"alarms@1-00000", "alarms-zh@1-00000"}, query


def test_chinese_query_ranks_the_chinese_passage_first(tmp_path: Path) -> None:
    [(first, score), *_] = _index(tmp_path, list(CHUNKS)).search("冷却泵泄漏怎么办", set(CHUNKS), n=5)
    assert first == "alarms-zh@1-00001"
    assert score > 0


def test_excluded_generations_are_masked_before_the_top_n_is_cut(tmp_path: Path) -> None:
    index = _index(tmp_path, list(CHUNKS))
    # "spindle" scores highest in alarms@1 and press@1; with those excluded the top 2 still fills up
    # from the admitted generations instead of coming back short.
    everything = [i for i, _ in index.search("spindle bearing lock", set(CHUNKS), n=10)]
    admitted = [i for i, _ in index.search("spindle bearing lock", {"loto@1", "alarms-zh@1"}, n=2)]
    assert admitted == [i for i in everything if i.startswith(("loto@1", "alarms-zh@1"))][:2]
    assert len(admitted) == 2
    assert index.search("spindle bearing", set(), n=5) == []


def test_switching_generations_replaces_the_chunks_of_a_document(tmp_path: Path) -> None:
    index = _index(tmp_path, ["loto@1", "alarms@1"])
    CHUNKS["alarms@2"] = ["E-217 Spindle vibration high: revised text, measure the vibration first."]
    try:
        index.sync(["loto@1", "alarms@2"], _fetch)
        assert index.covers() == ("alarms@2", "loto@1")
        hits = index.search("spindle vibration", {"loto@1", "alarms@2"}, n=5)
        assert [i for i, _ in hits] == ["alarms@2-00000"]
        # A search that still names the old generation finds nothing of it: it is gone from the index.
        assert index.search("tool life counter", {"alarms@1"}, n=5) == []
    finally:
        del CHUNKS["alarms@2"]


def test_tokens_are_stored_per_generation_and_read_back_by_another_process(tmp_path: Path) -> None:
    writer = LexicalIndex(tmp_path / "bm25")
    for generation in CHUNKS:
        writer.add_generation(generation, _ids(generation), [tokenize(t) for t in CHUNKS[generation]])
    reader = LexicalIndex(tmp_path / "bm25")  # a fresh process: no tokens in memory
    reader.sync(list(CHUNKS), _no_fetch)
    assert reader.search("E-410", set(CHUNKS), n=1)[0][0] == "press@1-00000"


def test_a_torn_or_foreign_token_file_is_ignored_and_rebuilt_from_chroma(tmp_path: Path) -> None:
    store = tmp_path / "bm25"
    writer = LexicalIndex(store)
    writer.add_generation("press@1", _ids("press@1"), [tokenize(t) for t in CHUNKS["press@1"]])
    path = store / "press@1.json"
    path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8")  # a torn write
    fetched: list[str] = []

    def fetch(generation: str) -> tuple[list[str], list[str]]:
        fetched.append(generation)
        return _fetch(generation)

    reader = LexicalIndex(store)
    reader.sync(["press@1"], fetch)
    assert fetched == ["press@1"]
    assert reader.search("hydraulic leak", {"press@1"}, n=1)[0][0] == "press@1-00000"
    # The store now holds a whole file again.
    assert json.loads(path.read_text(encoding="utf-8"))["ids"] == _ids("press@1")


def test_a_generation_that_never_became_active_is_not_indexed(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "bm25")
    # An ingest stored the tokens of a new generation, then crashed before the catalogue switched.
    index.add_generation("press@1", _ids("press@1"), [tokenize(t) for t in CHUNKS["press@1"]])
    index.sync(["loto@1"], _fetch)
    assert index.covers() == ("loto@1",)
    assert index.search("hydraulic pressure", {"loto@1", "press@1"}, n=5) == []


def test_empty_index_finds_nothing(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "bm25")
    index.sync([], _no_fetch)
    assert index.search("spindle", set(), n=5) == []
