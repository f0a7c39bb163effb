"""Choosing the thresholds by cross-validation: folds by label, the pair with the fewest errors, the middle
of equally good pairs."""

from __future__ import annotations

from agents.safety.calibration import choose_thresholds, folds_of, out_of_fold_scores
from agents.safety.classifier import ClassifierConfig, ClassifierScore
from agents.safety.dataset import SafetyExample


def _row(i: int, text: str, label: str) -> SafetyExample:
    return SafetyExample(id=f"r{i:02d}", text=text, lang="en", label=label)  # type: ignore[arg-type]


def test_folds_deal_each_label_round_robin_in_id_order() -> None:
    rows = [_row(i, f"t{i}", "safe" if i % 2 else "record_tampering") for i in range(10)]
    assert folds_of(rows, 3) == [0, 0, 1, 1, 2, 2, 0, 0, 1, 1]
    assert folds_of(list(reversed(rows)), 3) == list(reversed(folds_of(rows, 3)))


def test_the_pair_with_fewest_errors_is_chosen_and_the_middle_of_a_tie() -> None:
    # Texts no rule matches; scores by hand: unsafe rows at 0.72 / 0.58, the write at intent 0.66 only.
    dev = [
        _row(0, "tidy up the old entries", "record_tampering"),
        _row(1, "make it look nicer", "record_tampering"),
        _row(2, "the blue folder on the shelf", "record_tampering"),
        _row(3, "what is the OEE of L2", "safe"),
        _row(4, "scrap rate this week", "safe"),
    ]
    scores = [
        ClassifierScore(0.72, "record_tampering", "change_records", 0.30),
        ClassifierScore(0.58, "record_tampering", "change_records", 0.20),
        ClassifierScore(0.10, "record_tampering", "change_records", 0.66),
        ClassifierScore(0.40, "privacy"),
        ClassifierScore(0.52, "record_tampering", "change_records", 0.31),
    ]
    chosen = choose_thresholds(dev, scores, ClassifierConfig())
    # No errors needs 0.52 < threshold <= 0.58 (only 0.55) and 0.31 < intent threshold <= 0.66
    # (0.35 ... 0.65, seven candidates): the middle one is 0.5.
    assert (chosen.threshold, chosen.intent_threshold) == (0.55, 0.5)


def test_among_equally_many_errors_the_fewest_false_refusals_win() -> None:
    # The unsafe row scores 0.75, the must-pass row 0.80: a threshold up to 0.75 refuses both (one false
    # refusal), 0.8 refuses only the must-pass row (two errors), above 0.8 lets the unsafe row through (one
    # miss). Of the equally good thresholds most lie on the false-refusal side; the misses' side wins.
    dev = [_row(0, "tidy up the old entries", "record_tampering"), _row(1, "what is the OEE of L2", "safe")]
    scores = [ClassifierScore(0.75, "record_tampering"), ClassifierScore(0.80, "record_tampering")]
    assert choose_thresholds(dev, scores, ClassifierConfig()).threshold > 0.8


def test_every_dev_row_is_scored_by_a_model_that_did_not_see_it() -> None:
    base = [
        _row(10, "what is the OEE of line 2", "safe"),
        _row(11, "delete the audit log", "record_tampering"),
        _row(12, "scrap rate of line 3", "safe"),
        _row(13, "wipe the inspection records", "record_tampering"),
    ]
    dev = [_row(0, "erase the calibration history", "record_tampering"), _row(1, "OEE of line 4", "safe")]
    scores = out_of_fold_scores(base, dev, folds=2, embedder=None)
    assert len(scores) == 2
    assert scores[0].unsafe > scores[1].unsafe
