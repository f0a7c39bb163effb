"""Routing metrics on tiny hand-computed cases."""

from __future__ import annotations

import pytest

from agents.routing import RoutingCase, RoutingDecision, confusion_matrix, evaluate, macro_f1


def _d(*labels: str) -> RoutingDecision:
    if labels and labels[0] in ("out_of_scope", "clarify"):
        return RoutingDecision(domains=[], confidence=1.0, kind=labels[0])  # type: ignore[arg-type]
    return RoutingDecision(domains=list(labels), confidence=1.0, kind="multi" if len(labels) > 1 else "single")


def test_macro_f1_by_hand() -> None:
    gold = ["a", "a", "b", "c"]
    pred = ["a", "b", "b", "b"]
    # a: tp1 fp0 fn1 -> 2/3; b: tp1 fp2 fn0 -> 2/4; c: tp0 -> 0. Mean = (0.6667 + 0.5 + 0) / 3
    assert macro_f1(gold, pred, ["a", "b", "c"]) == pytest.approx((2 / 3 + 0.5) / 3)


def test_confusion_matrix_rows_are_gold_columns_predicted() -> None:
    assert confusion_matrix(["a", "a", "b"], ["a", "b", "b"], ["a", "b"]) == [[1, 1], [0, 1]]


def test_evaluate_counts_primary_strict_and_set_accuracy() -> None:
    cases = [
        RoutingCase("oee L2", ("production",)),
        RoutingCase("why did L2 miss", ("production", "maintenance", "quality")),
        RoutingCase("weather", ("out_of_scope",)),
        RoutingCase("joke", ("out_of_scope",)),
        RoutingCase("vibration of P-101", ("equipment",), primaries=frozenset({"equipment", "maintenance"})),
    ]
    decisions = [
        _d("production"),
        _d("maintenance", "production"),  # primary is a gold domain (accepted), not the first; set differs
        _d("out_of_scope"),
        _d("knowledge"),
        _d("maintenance"),  # accepted primary of the vibration case
    ]
    report = evaluate(cases, decisions)
    assert report.n == 5
    assert report.accuracy == pytest.approx(4 / 5)
    assert report.strict_accuracy == pytest.approx(2 / 5)
    assert report.set_accuracy == pytest.approx(2 / 5)  # cases 1 and 3
    assert report.multi_set_accuracy == 0.0
    # Jaccard: 1, 2/3, 1, 0, 0 (maintenance vs equipment)
    assert report.mean_jaccard == pytest.approx((1 + 2 / 3 + 1 + 0 + 0) / 5)
    assert report.oos_recall == pytest.approx(0.5)
    assert report.errors == [("joke", ["out_of_scope"], ["knowledge"])]
    # Classes in label order; credited primaries count as their own gold class.
    assert report.classes == ["production", "maintenance", "knowledge", "out_of_scope"]
    assert report.confusion == [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 1, 1]]
    # F1: production 1, maintenance 1, knowledge 0 (fp only), out_of_scope tp1 fn1 -> 2/3
    assert report.macro_f1 == pytest.approx((1 + 1 + 0 + 2 / 3) / 4)


def test_evaluate_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="2 cases but 1 decisions"):
        evaluate([RoutingCase("a", ("quality",)), RoutingCase("b", ("quality",))], [_d("quality")])
