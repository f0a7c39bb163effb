"""Picking the tool for a request: idf-weighted word and character-bigram overlap with each tool's
example requests and descriptions, in English and Chinese.

Entity names and time expressions are replaced by their kind ("<line>", "<period>") before
matching, so "OEE of line 3 last week" matches the example "OEE of line 2 yesterday" on what is
asked, not on which line. The index is built once per tool set and scoring a request is a few
hundred sparse dot products: well under a millisecond.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from agents.extraction import Mentions, Vocabulary, extract_mentions
from agents.models.offline.tool_specs import ToolSpec

__all__ = ["ScoredTool", "ToolIndex", "features"]

_STOP_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "and",
        "or",
        "by",
        "at",
        "with",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "what",
        "what's",
        "whats",
        "which",
        "who",
        "how",
        "many",
        "much",
        "show",
        "me",
        "please",
        "give",
        "list",
        "tell",
        "did",
        "do",
        "does",
        "can",
        "could",
        "would",
        "you",
        "i",
        "my",
        "our",
        "we",
        "us",
        "it",
        "its",
        "this",
        "that",
        "there",
        "any",
        "all",
        "get",
        "find",
        "see",
        "about",
        "over",
        "during",
        "per",
    ]
)
_STOP_ZH = frozenset("的了吗呢吧是在有多少什么哪些怎么请给我看一下查询情况")
_WORD = re.compile(r"[a-z][a-z0-9_]*|<[a-z_]+>")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _masked(mentions: Mentions) -> str:
    """The request with each entity or time expression replaced by its kind."""
    spans = [(e.start, e.end, f" <{e.kind}> ") for e in mentions.entities]
    spans += [(t.start, t.end, " <period> ") for t in mentions.times]
    text = mentions.text
    for start, end, token in sorted(spans, reverse=True):
        text = text[:start] + token + text[end:]
    return text


def features(text: str, vocabulary: Vocabulary | None = None, mentions: Mentions | None = None) -> Counter[str]:
    """Words (stemmed, stop words removed), CJK character bigrams and single characters, kind tokens."""
    found = mentions if mentions is not None else extract_mentions(text, vocabulary)
    masked = _masked(found).lower()
    bag: Counter[str] = Counter()
    for word in _WORD.findall(masked):
        if word not in _STOP_EN:
            bag[_stem(word.replace("_", " ")).replace(" ", "_")] += 1
            for part in word.split("_") if "_" in word and not word.startswith("<") else ():
                if part and part not in _STOP_EN:
                    bag[_stem(part)] += 1
    for run in _CJK_RUN.findall(masked):
        chars = [c for c in run]
        for index, char in enumerate(chars):
            if char not in _STOP_ZH:
                bag["u:" + char] += 1
            if index + 1 < len(chars):
                bag["b:" + char + chars[index + 1]] += 1
    return bag


@dataclass(frozen=True)
class ScoredTool:
    spec: ToolSpec
    score: float


@dataclass
class _Vector:
    weights: dict[str, float]
    norm: float


def _vector(bag: Counter[str], idf: dict[str, float], default_idf: float) -> _Vector:
    weights = {f: (1.0 + math.log(count)) * idf.get(f, default_idf) for f, count in bag.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return _Vector(weights, norm)


def _cosine(query: _Vector, doc: _Vector) -> float:
    small, large = (query, doc) if len(query.weights) < len(doc.weights) else (doc, query)
    dot = sum(w * large.weights.get(f, 0.0) for f, w in small.weights.items())
    return dot / (query.norm * doc.norm)


class ToolIndex:
    """The bound tools' example requests and descriptions, ready to score requests against."""

    def __init__(self, specs: Sequence[ToolSpec], vocabulary: Vocabulary | None = None) -> None:
        self.specs = list(specs)
        self.vocabulary = vocabulary
        docs_per_tool: list[list[Counter[str]]] = []
        for spec in self.specs:
            texts = [*spec.examples, spec.description, spec.description_zh, spec.name.replace("_", " ")]
            docs_per_tool.append([features(text, vocabulary) for text in texts if text])
        # Document frequency across tools: a word every tool shares ("line", "<period>") decides nothing.
        df: Counter[str] = Counter()
        for docs in docs_per_tool:
            df.update(set().union(*docs) if docs else set())
        count = max(len(self.specs), 1)
        self._idf = {f: math.log((count + 1) / (n + 0.5)) for f, n in df.items()}
        self._default_idf = math.log((count + 1) / 0.5)
        self._examples: list[list[_Vector]] = []
        self._unions: list[_Vector] = []
        for docs in docs_per_tool:
            union: Counter[str] = Counter()
            for doc in docs:
                union.update(doc)
            self._examples.append([_vector(doc, self._idf, self._default_idf) for doc in docs])
            self._unions.append(_vector(union, self._idf, self._default_idf))

    def rank(self, text: str, mentions: Mentions | None = None) -> list[ScoredTool]:
        """Tools by decreasing fit for the request."""
        bag = features(text, self.vocabulary, mentions)
        # Words no tool knows say nothing about which tool fits; leaving them in only dilutes the score.
        known = Counter({f: n for f, n in bag.items() if f in self._idf})
        if not known:
            return [ScoredTool(spec, 0.0) for spec in self.specs]
        query = _vector(known, self._idf, self._default_idf)
        coverage = sum(query.weights.values()) / max(
            sum(_vector(bag, self._idf, self._default_idf).weights.values()), 1e-9
        )
        scored = []
        for spec, examples, union in zip(self.specs, self._examples, self._unions, strict=True):
            best = max((_cosine(query, doc) for doc in examples), default=0.0)
            score = (0.6 * best + 0.4 * _cosine(query, union)) * (0.5 + 0.5 * coverage)
            scored.append(ScoredTool(spec, score))
        return sorted(scored, key=lambda item: item.score, reverse=True)
