"""Picking the tool for a request: BM25 over each tool's example requests and descriptions (words and
Chinese character bigrams), weighted by how the request's entities fit the tool's parameters.

Entity names and time expressions are replaced by their kind ("<line>", "<period>") before
matching, so "OEE of line 3 last week" matches the example "OEE of line 2 yesterday" on what is
asked, not on which line. The index is built once per tool set and scoring a request is a few
few dictionary lookups per tool: well under a millisecond.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agents.extraction import Mentions, Vocabulary, extract_mentions
from agents.extraction.parameter_kinds import accepts, parameter_kind
from agents.models.offline.plan_words import blank_plan_words
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


# Words for the present moment ("现在的振动", "right now"): a point in time, not a period, so one token for
# all of them. English "current" is left out: it is also a quantity ("motor current").
_NOW = re.compile(
    r"现在|当前|目前|此刻|此时|眼下|实时|\b(?:right now|now|currently|at the moment|at present|real[\s-]?time)\b", re.I
)


#: A tool over a period fits a request about the present moment (and no period) less well.
_PERIOD_FOR_A_MOMENT = 0.7


def _masked(mentions: Mentions) -> str:
    """The request with each entity or time expression replaced by its kind, and the present moment by <now>."""
    spans = [(e.start, e.end, f" <{e.kind}> ") for e in mentions.entities]
    spans += [(t.start, t.end, " <period> ") for t in mentions.times]
    text = blank_plan_words(mentions.text)
    for start, end, token in sorted(spans, reverse=True):
        text = text[:start] + token + text[end:]
    return _NOW.sub(" <now> ", text)


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
            if index + 1 < len(chars) and not (char in _STOP_ZH and chars[index + 1] in _STOP_ZH):
                bag["b:" + char + chars[index + 1]] += 1
    return bag


@dataclass(frozen=True)
class ScoredTool:
    """A tool's fit for a request: `score` ranks the tools; `match` (the words alone, before the entity fit)
    says whether the request is about this tool at all."""

    spec: ToolSpec
    score: float
    match: float = 0.0


_EXAMPLE_WEIGHT = 0.3
_K1 = 1.2
_B = 0.5


def _unit_vector(bag: Counter[str], idf: Mapping[str, float]) -> dict[str, float]:
    weights = {f: (1.0 + math.log(n)) * idf.get(f, 0.0) for f, n in bag.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {f: w / norm for f, w in weights.items()}


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    small, large = (a, b) if len(a) < len(b) else (b, a)
    return sum(w * large.get(f, 0.0) for f, w in small.items())


def _entity_parameters(spec: ToolSpec) -> list[tuple[str, bool]]:
    """(kind, required) of every parameter that takes a plant entity."""
    required = set(spec.required)
    found = []
    for name, schema in spec.properties.items():
        kind = parameter_kind(name, schema if isinstance(schema, Mapping) else {})
        if kind and kind not in ("period", "text", "count"):
            found.append((kind, name in required))
    return found


def _slot_fit(parameters: list[tuple[str, bool]], mentions: Mentions) -> float:
    """How well the request's entities fit the tool's parameters: a tool that needs an order the request does
    not name is a worse fit; one that takes the named machine a better one."""
    kinds = {entity.kind for entity in mentions.entities}
    fit = 1.0
    for kind, required in parameters:
        if any(accepts(kind, entity_kind) for entity_kind in kinds):
            fit *= 1.3
        elif required:
            fit *= 0.6
    for entity_kind in kinds:
        if not any(accepts(kind, entity_kind) for kind, _ in parameters):
            fit *= 0.85
    return fit


class ToolIndex:
    """The bound tools' example requests and descriptions, ready to score requests against.

    Each tool is one document (its examples, descriptions and name) scored with BM25 against the
    request's features, normalised so that a request whose every known feature is typical of one
    tool scores about 1; then weighted by how well the request's entities fit the tool's parameters.
    """

    def __init__(self, specs: Sequence[ToolSpec], vocabulary: Vocabulary | None = None) -> None:
        self.specs = list(specs)
        self.vocabulary = vocabulary
        bags: list[Counter[str]] = []
        for spec in self.specs:
            bag: Counter[str] = Counter()
            for text in (*spec.examples, spec.description, spec.description_zh, spec.name.replace("_", " ")):
                if text:
                    bag.update(features(text, vocabulary))
            bags.append(bag)
        count = max(len(bags), 1)
        df: Counter[str] = Counter()
        for bag in bags:
            df.update(set(bag))
        # Document frequency across tools: a word every tool shares ("line", "<period>") decides little.
        self._idf = {f: math.log(1 + (count - n + 0.5) / (n + 0.5)) for f, n in df.items()}
        self._unknown_idf = math.log(1 + (count + 0.5) / 0.5)
        average = sum(sum(bag.values()) for bag in bags) / count or 1.0
        self._weights: list[dict[str, float]] = []
        for bag in bags:
            length = sum(bag.values())
            norm = _K1 * (1 - _B + _B * length / average)
            self._weights.append({f: self._idf[f] * tf * (_K1 + 1) / (tf + norm) for f, tf in bag.items()})
        self._parameters = [_entity_parameters(spec) for spec in self.specs]
        # The closest single example counts too: "OEE of line 2 yesterday" is nearer an OEE example than a
        # trend example, although the trend tool's texts say "OEE" more often.
        self._examples = [
            [_unit_vector(features(example, vocabulary), self._idf) for example in spec.examples] for spec in self.specs
        ]

    def rank(self, text: str, mentions: Mentions | None = None) -> list[ScoredTool]:
        """Tools by decreasing fit for the request."""
        found = mentions if mentions is not None else extract_mentions(text, self.vocabulary)
        bag = features(text, self.vocabulary, found)
        known = [f for f in bag if f in self._idf]
        if not known or all(f.startswith("<") for f in bag):
            # Nothing but kinds ("前天呢?" is <period>, "L2 yesterday?" <line> <period>): the request names a
            # scope and a time, not what to look up there, so no tool fits it on its own.
            return [ScoredTool(spec, 0.0) for spec in self.specs]
        best_possible = sum(self._idf[f] for f in known)
        # Words no tool knows weigh like the most specific words: "今天午饭吃什么" shares only "today" with the
        # tools, so it is mostly about something else.
        unknown = sum(1 for f in bag if f not in self._idf)
        coverage = best_possible / (best_possible + unknown * self._unknown_idf)
        scored = []
        query = _unit_vector(Counter({f: bag[f] for f in known}), self._idf)
        moment = "<now>" in bag and not found.times
        for spec, weights, parameters, examples in zip(
            self.specs, self._weights, self._parameters, self._examples, strict=True
        ):
            bm25 = sum(weights.get(f, 0.0) for f in known) / best_possible
            nearest = max((_dot(query, example) for example in examples), default=0.0)
            match = ((1 - _EXAMPLE_WEIGHT) * bm25 + _EXAMPLE_WEIGHT * 2 * nearest) * math.sqrt(coverage)
            fit = _slot_fit(parameters, found)
            if moment and "period" in spec.properties:
                fit *= _PERIOD_FOR_A_MOMENT  # "现在的振动" asks a value now, not a figure over a period
            scored.append(ScoredTool(spec, match * fit, match))
        return sorted(scored, key=lambda item: item.score, reverse=True)
