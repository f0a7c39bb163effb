"""KPI arithmetic on hand-computed examples (ISO 22400-2, KPI.md) and its properties."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.kpi import (
    NO_FAILURES_NOTE,
    BomLine,
    OEEInputs,
    aggregate,
    band_intervals,
    capability,
    component_availability,
    corrective_ratio,
    first_pass_yield,
    oee,
    quality_ratios,
    rate,
    reliability,
    reorder_status,
    rolling_zscore_intervals,
    western_electric,
)

# One 8-hour shift: 30 min break (planned), 45 min breakdown, 15 min changeover,
# 700 parts at an ideal 30 s each, 680 good, 15 scrap, 5 rework.
SHIFT = OEEInputs(
    pot_s=28_800, pdot_s=1_800, adet_s=2_700, asut_s=900, ideal_run_s=700 * 30, pq=700, gq=680, sq=15, rq=5
)


def test_time_model_of_one_shift() -> None:
    assert SHIFT.pbt_s == 27_000
    assert SHIFT.apt_s == 23_400


def test_oee_of_one_shift_matches_the_hand_computation() -> None:
    figures = oee(SHIFT)
    assert figures.availability == pytest.approx(23_400 / 27_000)  # 0.8667
    assert figures.effectiveness == pytest.approx(21_000 / 23_400)  # 0.8974
    assert figures.quality == pytest.approx(680 / 700)  # 0.9714
    # OEE = PRU x GQ / PBT = 30 x 680 / 27000
    assert figures.oee == pytest.approx(20_400 / 27_000)  # 0.7556
    assert figures.nee == pytest.approx(24_300 / 27_000 * 21_000 / 23_400 * 680 / 700)  # 0.7846
    assert figures.technical_efficiency == pytest.approx(23_400 / 26_100)
    assert figures.setup_rate == pytest.approx(900 / 24_300)


def test_oee_without_planned_time_is_unknown_not_zero() -> None:
    figures = oee(OEEInputs(pot_s=3_600, pdot_s=3_600, adet_s=0, asut_s=0, ideal_run_s=0, pq=0, gq=0))
    assert figures.availability is None
    assert figures.oee is None


def test_oee_with_planned_time_and_no_output_is_zero() -> None:
    figures = oee(OEEInputs(pot_s=3_600, pdot_s=0, adet_s=3_600, asut_s=0, ideal_run_s=0, pq=0, gq=0))
    assert figures.availability == 0.0
    assert figures.oee == 0.0


def test_aggregation_sums_times_and_quantities_before_dividing() -> None:
    # A long good shift and a short bad one: the sum-first OEE is weighted by planned time.
    long_good = OEEInputs(pot_s=28_800, pdot_s=0, adet_s=0, asut_s=0, ideal_run_s=28_800, pq=960, gq=960)
    short_bad = OEEInputs(pot_s=3_600, pdot_s=0, adet_s=1_800, asut_s=0, ideal_run_s=900, pq=30, gq=30)
    total = oee(aggregate([long_good, short_bad]))
    assert total.oee == pytest.approx(29_700 / 32_400)  # 0.9167, not the mean 0.625 of 1.0 and 0.25
    assert total.availability == pytest.approx(30_600 / 32_400)


def test_quality_ratios() -> None:
    ratios = quality_ratios(produced=700, good=680, scrap=15, rework=5)
    assert ratios.scrap_ratio == pytest.approx(15 / 700)
    assert ratios.rework_ratio == pytest.approx(5 / 700)
    assert ratios.quality_ratio == pytest.approx(680 / 700)
    assert quality_ratios(0, 0, 0, 0).scrap_ratio is None
    assert first_pass_yield(47, 50) == pytest.approx(0.94)
    assert first_pass_yield(0, 0) is None


def test_capability_of_individuals_uses_the_moving_range() -> None:
    values = [10.1, 10.3, 10.0, 10.2, 10.1, 9.9]  # mean 10.1
    result = capability(values, lsl=9.4, usl=10.6)
    sigma_within = 0.2 / 1.128  # moving ranges .2 .3 .2 .1 .2, mean .2
    sigma_overall = (0.10 / 5) ** 0.5  # squared deviations sum to 0.10
    assert result.mean == pytest.approx(10.1)
    assert result.sigma_within == pytest.approx(sigma_within)
    assert result.sigma_overall == pytest.approx(sigma_overall)
    assert result.sigma_method == "moving range / d2 (individuals)"
    assert result.cp == pytest.approx(1.2 / (6 * sigma_within))  # 1.128
    assert result.cpk == pytest.approx(0.5 / (3 * sigma_within))  # 0.940
    assert result.pp == pytest.approx(1.2 / (6 * sigma_overall))  # 1.414
    assert result.ppk == pytest.approx(0.5 / (3 * sigma_overall))  # 1.179


def test_capability_of_subgroups_uses_r_bar_over_d2() -> None:
    result = capability([1, 2, 3, 2, 2, 2, 4, 5, 6], lsl=0, usl=8, subgroup_size=3)
    assert result.sigma_within == pytest.approx((4 / 3) / 1.693)
    assert result.sigma_method == "R-bar / d2 (subgroups of 3)"


def test_capability_with_one_spec_limit_has_cpk_but_no_cp() -> None:
    result = capability([1.0, 1.2, 1.0, 1.2], lsl=None, usl=2.0)
    assert result.cp is None
    assert result.cpk == pytest.approx((2.0 - 1.1) / (3 * 0.2 / 1.128))


@pytest.mark.parametrize(
    ("values", "rule", "indices"),
    [
        ([0, 3.5, 0, -3.2], 1, (1, 3)),
        ([2.5, 0, 2.1], 2, (0, 2)),
        ([1.5, 1.2, 0, 1.1, 1.3], 3, (0, 1, 3, 4)),
        ([0.5] * 8, 4, tuple(range(8))),
    ],
)
def test_western_electric_rules_name_the_violating_points(
    values: list[float], rule: int, indices: tuple[int, ...]
) -> None:
    violations = {v.rule: v.indices for v in western_electric(values, center=0.0, sigma=1.0)}
    assert violations == {rule: indices}


def test_western_electric_two_beyond_2_sigma_on_opposite_sides_is_no_violation() -> None:
    assert western_electric([2.5, 0, -2.5], center=0.0, sigma=1.0) == []


def test_mtbf_and_mttr_of_two_failures() -> None:
    figures = reliability(operating_time_h=160.0, repair_times_h=[2.0, 4.0])
    assert figures.failures == 2
    assert figures.mtbf_h == pytest.approx(80.0)
    assert figures.mttr_h == pytest.approx(3.0)


def test_zero_failures_gives_no_mtbf_number() -> None:
    figures = reliability(operating_time_h=160.0, repair_times_h=[])
    assert figures.mtbf_h is None
    assert figures.mttr_h is None
    assert figures.note == NO_FAILURES_NOTE
    assert corrective_ratio(6.0, 2.0) == pytest.approx(0.75)


def test_rates_reorder_point_and_bom_explosion() -> None:
    assert rate(9, 12) == pytest.approx(0.75)
    assert rate(0, 0) is None
    status = reorder_status(on_hand=120, reserved=40, reorder_point=100, on_order=200)
    assert (status.available, status.below, status.shortfall) == (80, True, 20)
    assert reorder_status(on_hand=150, reserved=40, reorder_point=100, on_order=0).below is False
    rows = component_availability(
        [BomLine("STEEL", 2.0, 0.05), BomLine("BOLT", 4.0)], order_quantity=100, available={"STEEL": 200.0}
    )
    assert [(r.material, r.required, r.shortage, r.sufficient) for r in rows] == [
        ("STEEL", pytest.approx(210.0), pytest.approx(10.0), False),
        ("BOLT", 400.0, 400.0, False),
    ]


def test_rolling_zscore_flags_a_spike_and_a_step() -> None:
    start = datetime(2026, 11, 1)
    times = [start + timedelta(minutes=i) for i in range(60)]
    values = [10.0 if i % 2 else 10.2 for i in range(60)]
    values[30] = 15.0  # a single spike
    for i in range(50, 60):
        values[i] += 5.0  # a step change: only its first points stand out against the window
    intervals = rolling_zscore_intervals(times, values, window=10, threshold=3.0)
    assert intervals[0].start == intervals[0].end == times[30]
    assert intervals[0].peak_value == 15.0
    assert intervals[1].start == times[50]
    assert len(intervals) == 2


def test_band_intervals_merge_short_dips_and_report_the_worst_point() -> None:
    start = datetime(2026, 11, 1)
    times = [start + timedelta(hours=i) for i in range(10)]
    values = [1.0, 3.0, 3.5, 2.0, 3.2, 1.0, 1.0, 1.0, 0.1, 1.0]  # band [0.5, 2.8]
    intervals = band_intervals(times, values, low=0.5, high=2.8, max_gap=1)
    assert [(i.start, i.end, i.points, i.peak_value) for i in intervals] == [
        (times[1], times[4], 3, 3.5),  # the dip at hour 3 does not end the run
        (times[8], times[8], 1, 0.1),
    ]
    assert {i.kind for i in intervals} == {"outside operating band"}
    assert intervals[0].peak_z is None


_times = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@st.composite
def consistent_inputs(draw: st.DrawFn) -> OEEInputs:
    """Inputs that obey the time model: downtimes fit in planned time, ideal run time fits in APT."""
    pot = draw(st.floats(min_value=1.0, max_value=1e6))
    pdot = draw(st.floats(min_value=0, max_value=pot * 0.9))
    pbt = pot - pdot
    adet = draw(st.floats(min_value=0, max_value=pbt * 0.5))
    asut = draw(st.floats(min_value=0, max_value=pbt * 0.4))
    apt = pbt - adet - asut
    pq = draw(st.integers(min_value=1, max_value=100_000))
    gq = draw(st.integers(min_value=0, max_value=pq))
    ideal = draw(st.floats(min_value=0, max_value=apt))
    return OEEInputs(pot_s=pot, pdot_s=pdot, adet_s=adet, asut_s=asut, ideal_run_s=ideal, pq=pq, gq=gq)


@given(consistent_inputs())
def test_oee_is_a_ratio_and_the_product_of_its_factors(inputs: OEEInputs) -> None:
    figures = oee(inputs)
    assert figures.oee is not None
    assert figures.availability is not None
    assert figures.effectiveness is not None
    assert figures.quality is not None
    assert 0.0 <= figures.oee <= 1.0 + 1e-9
    assert figures.oee == pytest.approx(figures.availability * figures.effectiveness * figures.quality)
    assert figures.oee == pytest.approx(inputs.ideal_run_s / inputs.pq * inputs.gq / inputs.pbt_s, abs=1e-12)


@given(st.lists(consistent_inputs(), min_size=1, max_size=6))
def test_aggregate_oee_is_computed_from_summed_inputs(parts: list[OEEInputs]) -> None:
    total = aggregate(parts)
    assert total.pbt_s == pytest.approx(sum(p.pbt_s for p in parts))
    assert total.pq == sum(p.pq for p in parts)
    figures = oee(total)
    assert figures.availability == pytest.approx(sum(p.apt_s for p in parts) / sum(p.pbt_s for p in parts))
    assert figures.oee is not None
    assert 0.0 <= figures.oee <= 1.0 + 1e-9


@given(st.lists(st.floats(min_value=-1e3, max_value=1e3), min_size=2, max_size=50))
def test_cpk_never_exceeds_cp(values: list[float]) -> None:
    result = capability(values, lsl=-2e3, usl=2e3)
    if result.cp is not None and result.cpk is not None:
        assert result.cpk <= result.cp + 1e-9
