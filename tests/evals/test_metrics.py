"""Run metrics computed by hand on tiny tables."""

from __future__ import annotations

import pytest

from evals.metrics import confusion_matrix, macro_f1, pass_at_k, pass_hat_k, percentile, route_label

PAIRS = [
    ("production", "production"),
    ("production", "production"),
    ("production", "quality"),
    ("quality", "quality"),
    ("out_of_scope", "production"),
]


def test_confusion_matrix_rows_expected_columns_predicted() -> None:
    labels, counts = confusion_matrix(PAIRS)
    assert labels == ["out_of_scope", "production", "quality"]
    assert counts == [[0, 1, 0], [0, 2, 1], [0, 0, 1]]


def test_macro_f1_by_hand() -> None:
    # production: tp 2, fp 1 (oos->production), fn 1 -> F1 = 4/6; quality: tp 1, fp 1, fn 0 -> 2/3;
    # out_of_scope: tp 0 -> 0. Mean = (2/3 + 2/3 + 0) / 3 = 4/9.
    assert macro_f1(PAIRS) == pytest.approx(4 / 9)
    assert macro_f1([]) is None


def test_pass_hat_k_and_pass_at_k_follow_tau_bench() -> None:
    # Task A: 4 attempts, 4 passes; task B: 4 attempts, 2 passes; task C: 4 attempts, 0 passes.
    trials = [(4, 4), (4, 2), (4, 0)]
    assert pass_hat_k(trials, 1) == pytest.approx((1 + 0.5 + 0) / 3)
    # C(2,2)/C(4,2) = 1/6 for B
    assert pass_hat_k(trials, 2) == pytest.approx((1 + 1 / 6 + 0) / 3)
    assert pass_hat_k(trials, 4) == pytest.approx(1 / 3)
    # pass@2 for B: 1 - C(2,2)/C(4,2) = 5/6; for C: 1 - C(4,2)/C(4,2) = 0
    assert pass_at_k(trials, 2) == pytest.approx((1 + 5 / 6 + 0) / 3)
    assert pass_hat_k(trials, 5) is None


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([], 50) is None


def test_route_label() -> None:
    assert route_label(["quality"]) == "quality"
    assert route_label(["quality", "production"]) == "multi"
    assert route_label([]) == "none"
