"""Router figures: metrics on the held-out routing set and on the AssetOpsBench single-agent
scenarios (evaluation only), training time and routing latency p50 / p95.

    python benchmarks/routing.py [--assetopsbench DIR] [--cache DIR] [--no-embeddings]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

# Run as `python benchmarks/routing.py`, this folder comes first on sys.path and its agents.py would
# shadow the agents package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agents.routing import (  # noqa: E402
    RoutingCase,
    SmallModelConfig,
    SmallModelRouter,
    builtin_heldout_set,
    cases_from_examples,
    evaluate,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_AOB = REPO.parent / "shared" / "benchmarks" / "assetopsbench"


def assetopsbench_cases(directory: Path) -> list[tuple[str, RoutingCase]]:
    """(type, case) for the single-agent scenarios, with the README's domain mapping."""
    types = {"IoT": "equipment", "TSFM": "equipment", "Workorder": "maintenance"}
    cases: list[tuple[str, RoutingCase]] = []
    for line in (directory / "all_utterance.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        kind = row.get("type") or ""
        domain = types.get(kind) or ("maintenance" if 101 <= int(row["id"]) <= 120 else None)
        if domain:
            cases.append((kind or "FMSR", RoutingCase(row["text"].replace("\n", " "), (domain,))))
    for row in json.loads((directory / "vibration_utterance.json").read_text(encoding="utf-8")):
        both = frozenset({"equipment", "maintenance"})
        cases.append(("Vibration", RoutingCase(row["text"].replace("\n", " "), ("equipment",), primaries=both)))
    return cases


def _table(title: str, summary: dict[str, float | int | None]) -> None:
    print(f"\n{title}")
    for key, value in summary.items():
        print(f"  {key:<20} {'-' if value is None else value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assetopsbench", type=Path, default=DEFAULT_AOB)
    parser.add_argument("--cache", type=Path, default=REPO / ".andon" / "cache")
    parser.add_argument("--no-embeddings", action="store_true", help="n-grams, lexicon and shape only")
    args = parser.parse_args()

    config = SmallModelConfig(use_embeddings=not args.no_embeddings)
    started = time.perf_counter()
    router = SmallModelRouter.train(config=config, cache_dir=args.cache)
    elapsed = time.perf_counter() - started
    print(f"training: {elapsed:.2f} s ({router.training_size} rows, embedding cache {args.cache})")

    held = cases_from_examples(builtin_heldout_set())
    report = evaluate(held, router.route_many([c.text for c in held]))
    _table(f"held-out routing set (n={report.n})", report.summary())
    print("  confusion (rows gold, columns predicted):")
    print("    " + " ".join(f"{c[:6]:>6}" for c in report.classes))
    for label, row in zip(report.classes, report.confusion, strict=True):
        print(f"    {' '.join(f'{n:>6}' for n in row)}  {label}")

    if (args.assetopsbench / "all_utterance.jsonl").exists():
        typed = assetopsbench_cases(args.assetopsbench)
        cases = [case for _, case in typed]
        decisions = router.route_many([c.text for c in cases])
        aob = evaluate(cases, decisions)
        _table(f"AssetOpsBench single-agent scenarios (n={aob.n}, evaluation only)", aob.summary())
        per_type: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for (kind, case), decision in zip(typed, decisions, strict=True):
            per_type[kind] += 1
            right[kind] += decision.primary in case.accepted
        print("  by type: " + ", ".join(f"{k} {right[k]}/{per_type[k]}" for k in per_type))
    else:
        print(f"\nAssetOpsBench not found at {args.assetopsbench}; skipped")

    texts = [c.text for c in held[:100]]
    router.route(texts[0])  # first call loads the embedding model
    latencies = []
    for text in texts:
        tick = time.perf_counter()
        router.route(text)
        latencies.append((time.perf_counter() - tick) * 1000)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"\nrouting latency, one request per call (n={len(latencies)}): p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms")


if __name__ == "__main__":
    main()
