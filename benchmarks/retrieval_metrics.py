"""Retrieval quality metrics of the benchmark: recall@5, MRR and nDCG@10 against labelled sections."""

from __future__ import annotations

import math
import statistics
from typing import Any

# (label, search mode, glossary expansion); the last one is what `search` does by default.
MODES = (
    ("dense", "dense", False),
    ("bm25", "bm25", False),
    ("hybrid", "hybrid", False),
    ("dense+gloss", "dense", True),
    ("bm25+gloss", "bm25", True),
    ("hybrid+gloss", "hybrid", True),
)


def _relevant(hit: Any, gold: dict[str, str]) -> bool:
    return bool(hit.citation.document == gold["document"] and gold["section"] in hit.citation.section)


def score_query(hits: list[Any], golds: list[dict[str, str]]) -> dict[str, float]:
    """recall@5 (a relevant passage in the top 5), doc-level recall@5, reciprocal rank, nDCG@10 (binary gains)."""
    first = next((rank for rank, hit in enumerate(hits[:10], 1) if any(_relevant(hit, g) for g in golds)), None)
    gold_docs = {g["document"] for g in golds}
    matched: set[int] = set()
    dcg = 0.0
    for rank, hit in enumerate(hits[:10], 1):
        for number, gold in enumerate(golds):
            if number not in matched and _relevant(hit, gold):
                matched.add(number)
                dcg += 1.0 / math.log2(rank + 1)
                break
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(golds), 10) + 1))
    return {
        "recall@5": 1.0 if first is not None and first <= 5 else 0.0,
        "doc_recall@5": 1.0 if any(h.citation.document in gold_docs for h in hits[:5]) else 0.0,
        "mrr": 1.0 / first if first else 0.0,
        "ndcg@10": dcg / ideal if ideal else 0.0,
    }


def evaluate(index: Any, queries: list[dict[str, Any]], only: str | None = None) -> dict[str, dict[str, Any]]:
    """Mean metrics per mode, plus recall@5 per query kind."""
    out: dict[str, dict[str, Any]] = {}
    for label, mode, expand in MODES:
        if only and label != only:
            continue
        rows = []
        by_kind: dict[str, list[float]] = {}
        for item in queries:
            hits = index.search(item["query"], k=10, role="admin", mode=mode, expand=expand)
            row = score_query(hits, item["gold"])
            rows.append(row)
            by_kind.setdefault(item["kind"], []).append(row["recall@5"])
        out[label] = {key: statistics.fmean(r[key] for r in rows) for key in rows[0]}
        out[label]["by_kind"] = {kind: statistics.fmean(values) for kind, values in sorted(by_kind.items())}
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]
