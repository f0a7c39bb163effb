"""The answer benchmark's instrument: its gold queries (benchmarks/answers_gold.py), checked against values
worked out by hand from rows of the small plant (seed 7), and its grader (benchmarks/answers.py) on
hand-written answers."""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import Engine

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
CLOCK = datetime(2026, 11, 20, 6)
MEDIUM_DATA_START = datetime(2026, 5, 21, 6)  # the grader tests play answers on the medium plant


def _load_answers() -> ModuleType:
    """benchmarks/answers.py (a script, not a package), which loads answers_gold.py beside it."""
    if "answers" not in sys.modules:
        spec = importlib.util.spec_from_file_location("answers", BENCHMARKS / "answers.py")
        assert spec is not None
        assert spec.loader is not None
        sys.modules["answers"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["answers"])
    return sys.modules["answers"]


answers = _load_answers()
gold = answers.gold_module


def _value(engine: Engine, metric: str, scope: dict[str, str], start: datetime | None, end: datetime | None) -> Any:
    with engine.connect() as conn:
        return gold.METRICS[metric](conn, scope, (start, end) if start and end else None, CLOCK)


# CNC-03, shift A of 2026-11-19 (06:00-14:00), its eight hourly rows on the small plant:
#   hour  sched  planned  setup  unplanned  good scrap rework  ideal s
#   06      60      0       0       7        39    1     0     69.84
#   07      60      0       0       4        41    2     0     69.84
#   08      60      0       0       0        44    1     0     69.84
#   09      60      0      56       0         2    0     0     81.48
#   10      60      0      14       0        29    1     0     81.48
#   11      60      0       0       6        35    0     0     81.48
#   12      60      0       0       0        39    1     0     81.48
#   13      60      0       0       0        36    2     0     81.48
SHIFT_A = (datetime(2026, 11, 19, 6), datetime(2026, 11, 19, 14))
PBT_S = 480 * 60
APT_S = (480 - 70 - 17) * 60  # set-up 56 + 14 min, unplanned 7 + 4 + 6 min
IDEAL_S = (40 + 43 + 45) * 69.84 + (2 + 30 + 35 + 40 + 38) * 81.48
GOOD, PRODUCED, SCRAP = 265, 273, 8


def test_time_model_ratios_of_one_machine_shift(small_plant_engine: Engine) -> None:
    cnc03 = {"equipment": "CNC-03"}
    assert _value(small_plant_engine, "availability", cnc03, *SHIFT_A) == pytest.approx(APT_S / PBT_S)  # 0.81875
    assert _value(small_plant_engine, "performance", cnc03, *SHIFT_A) == pytest.approx(IDEAL_S / APT_S)
    assert _value(small_plant_engine, "quality_rate", cnc03, *SHIFT_A) == pytest.approx(GOOD / PRODUCED)
    assert _value(small_plant_engine, "scrap_rate", cnc03, *SHIFT_A) == pytest.approx(SCRAP / PRODUCED)
    expected_oee = (APT_S / PBT_S) * (IDEAL_S / APT_S) * (GOOD / PRODUCED)
    assert _value(small_plant_engine, "oee", cnc03, *SHIFT_A) == pytest.approx(expected_oee)
    assert _value(small_plant_engine, "good_count", cnc03, *SHIFT_A) == GOOD


def test_line_good_count_is_counted_at_the_line_output_station(small_plant_engine: Engine) -> None:
    night = (datetime(2026, 11, 19, 22), CLOCK)
    at_leak_tester = _value(small_plant_engine, "good_count", {"equipment": "LT-01"}, *night)
    assert _value(small_plant_engine, "good_count", {"line": "L2"}, *night) == at_leak_tester == 275


def test_first_pass_yield_of_a_line_day(small_plant_engine: Engine) -> None:
    # Four inspections of line 1 on 2026-11-19: 32/32, 31/32, 77/80, 31/32 passed first time.
    day = (datetime(2026, 11, 19), datetime(2026, 11, 20))
    assert _value(small_plant_engine, "fpy", {"line": "L1"}, *day) == pytest.approx(171 / 176)


def test_mtbf_mttr_and_failures_of_cnc03_this_month(small_plant_engine: Engine) -> None:
    # One corrective order (WO-260069, the bearing failure of 11-14, 393 min of repair); 23,816 run minutes.
    month = (datetime(2026, 11, 1), CLOCK)
    assert _value(small_plant_engine, "breakdowns", {"equipment": "CNC-03"}, *month) == 1
    assert _value(small_plant_engine, "mtbf_h", {"equipment": "CNC-03"}, *month) == pytest.approx(23816 / 60)
    assert _value(small_plant_engine, "mttr_h", {"equipment": "CNC-03"}, *month) == pytest.approx(393 / 60)
    quiet_day = (datetime(2026, 11, 19), datetime(2026, 11, 20))
    assert _value(small_plant_engine, "mtbf_h", {"equipment": "CNC-03"}, *quiet_day) is None


def test_top_downtime_reason_leaves_planned_downtime_out(small_plant_engine: Engine) -> None:
    # CNC-03 on 11-14: D-301 breakdown 405 min, then D-201 changeover 72 min, D-403 68 min...
    day = (datetime(2026, 11, 14), datetime(2026, 11, 15))
    assert _value(small_plant_engine, "top_downtime_reason", {"equipment": "CNC-03"}, *day) == "D-301"
    assert _value(small_plant_engine, "breakdown_minutes", {"equipment": "CNC-03"}, *day) == 405


def test_supplier_on_time_delivery_counts_receipts_by_day(small_plant_engine: Engine) -> None:
    # SUP-02 lines received 11-01..11-19 (promised, received): (10-26, 11-04) (11-03, 11-07) (11-03, 11-02)
    # (11-03, 11-05) (11-09, 11-07) (11-09, 11-16) (11-09, 11-14) (11-16, 11-14) (11-16, 11-16): 4 of 9 on time.
    month = (datetime(2026, 11, 1), CLOCK)
    assert _value(small_plant_engine, "supplier_otd", {"supplier": "SUP-02"}, *month) == pytest.approx(4 / 9)


def test_lists_as_of_the_clock(small_plant_engine: Engine) -> None:
    # Available = on hand - reserved: RM-1101 1493 < 2400, CP-2002 407 < 600, CP-2003 779 < 1200, PK-3001 351 < 800.
    below = ["CP-2002", "CP-2003", "PK-3001", "RM-1101"]
    assert _value(small_plant_engine, "below_reorder", {}, None, None) == below
    assert _value(small_plant_engine, "below_reorder", {"supplier": "SUP-02"}, None, None) == ["RM-1101"]
    # PO-260049's only line was promised 11-16 and nothing is received; lines promised from 11-20 on are not late.
    assert _value(small_plant_engine, "late_pos", {}, None, None) == ["PO-260049"]
    assert _value(small_plant_engine, "late_pos", {"supplier": "SUP-01"}, None, None) == []


def test_every_row_of_both_sets_is_well_formed() -> None:
    for name in ("dev", "heldout"):
        rows = gold.load_rows(name)
        assert len(rows) >= (100 if name == "dev" else 150)
        assert len({row["id"] for row in rows}) == len(rows)
        honest = sum(row["kind"] == "honest" for row in rows)
        assert 0.08 <= honest / len(rows) <= 0.15
        for row in rows:
            assert row["lang"] in ("zh", "en")
            assert row["kind"] == "honest" or row["metric"] in gold.METRICS
            period = gold.period_of(row)
            assert period is None or period[0] < period[1] <= CLOCK.replace(year=2027)
    dev = {row["question"] for row in gold.load_rows("dev")}
    assert not dev & {row["question"] for row in gold.load_rows("heldout")}


# --- The grader. -----------------------------------------------------------------------------------------------


def test_figures_leave_out_dates_codes_and_periods() -> None:
    text = "OEE · L2 · 2026-11-19 06:00–14:00 · 3号线 · past 30 days：OEE 81.1%，good 5,547 pcs，MTTR 2.19 h，12 rows"
    assert answers.figures(text) == [(81.1, "%"), (5547.0, ""), (2.19, "h")]
    assert answers.figures("CNC-03 on Nov 14: PO-260181, CH-VB25-SEAT, 纸箱400x300, 11月1日到11月7日") == []


def _row(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "t",
        "lang": "en",
        "question": "q",
        "scope": {},
        "period": None,
        "tool": [],
        "tolerance": None,
    }
    return {**base, **fields}


def _turn(answer: str, period: tuple[str, str] | None = None, tool: str = "oee") -> dict[str, Any]:
    result: dict[str, Any] = {"scope": {}}
    if period:
        result["period"] = {"start": period[0], "end": period[1], "label": ""}
    return {"answer": answer, "tool_calls": [{"name": tool, "args": {}, "result": result, "status": "ok"}]}


def _outcome(row: dict[str, Any], turn: dict[str, Any]) -> str:
    return str(answers.grade(row, turn, row.get("gold"), MEDIUM_DATA_START, CLOCK).outcome)


def test_ratio_figures_match_as_percent_or_fraction_and_need_the_gold_period() -> None:
    period = {"words": "yesterday", "start": "2026-11-19T00:00:00", "end": "2026-11-20T00:00:00"}
    row = _row(kind="value", metric="oee", unit="ratio", gold=0.873, tolerance={"abs": 0.0006}, period=period)
    asked = ("2026-11-19T00:00:00", "2026-11-20T00:00:00")
    assert _outcome(row, _turn("OEE · L2 · yesterday: 87.3 %", asked)) == "correct"
    assert _outcome(row, _turn("OEE of L2 yesterday was 0.873", asked)) == "correct"
    assert _outcome(row, _turn("OEE · L2 · yesterday: 87.9%", asked)) == "confident_wrong"
    last_week = ("2026-11-09T00:00:00", "2026-11-16T00:00:00")
    assert _outcome(row, _turn("OEE · L2 · last week: 87.3%", last_week)) == "confident_wrong"
    assert _outcome(row, _turn("无法确定您说的是哪个时间段，请说明。", None)) == "honest"


def test_a_calendar_period_may_run_past_the_clock_but_not_start_elsewhere() -> None:
    quarter = {"words": "this quarter", "start": "2026-10-01T00:00:00", "end": "2026-11-20T06:00:00"}
    row = _row(kind="value", metric="mtbf_h", unit="h", gold=355.36, tolerance={"abs": 0.05}, period=quarter)
    whole_quarter = ("2026-10-01T00:00:00", "2027-01-01T00:00:00")
    assert _outcome(row, _turn("MTBF · CNC-03 · Q4 2026: 355.36 h", whole_quarter)) == "correct"
    past_90_days = ("2026-08-22T06:00:00", "2026-11-20T06:00:00")
    assert _outcome(row, _turn("MTBF · CNC-03 · past 90 days: 355.36 h", past_90_days)) == "confident_wrong"


def test_hours_match_minutes_and_counts_ignore_other_units() -> None:
    mttr = _row(kind="value", metric="mttr_h", unit="h", gold=3.6833, tolerance={"abs": 0.05, "rel": 0.005})
    assert _outcome(mttr, _turn("MTTR of DBR-01 this quarter: 221 min", tool="mtbf_mttr")) == "correct"
    count = _row(kind="value", metric="breakdowns", unit="count", gold=3.0, tolerance={"abs": 0})
    assert _outcome(count, _turn("L1 last week: MTBF 112 h, MTTR 3 h, failures 5")) == "confident_wrong"
    assert _outcome(count, _turn("L1 last week: 3 failures, MTTR 2.5 h")) == "correct"


def test_a_multi_part_answer_is_read_up_to_its_first_section() -> None:
    row = _row(kind="value", metric="fpy", unit="ratio", gold=0.9375, tolerance={"abs": 0.0006})
    text = "OEE · L4 · shift A: OEE 84.0%, quality rate 97.9%\nSource: production_count\n\nFPY · L4: 93.8%"
    assert _outcome(row, _turn(text)) == "confident_wrong"
    assert _outcome(row, _turn("Interpretation: first-pass yield · L4 · shift A\n\nFPY 93.8%")) == "correct"


def test_lists_compare_the_set_of_ids_named() -> None:
    row = _row(kind="list", metric="late_pos", unit="codes", gold=["PO-260181"])
    assert _outcome(row, _turn("Late purchase orders:\n1. PO-260181 SUP-02, 3 days late")) == "correct"
    listed = "Open lines:\n1. PO-260181 late\n2. PO-260195 due 11-22"
    assert _outcome(row, _turn(listed)) == "confident_wrong"
    none = _row(kind="list", metric="late_pos", unit="codes", gold=[])
    assert _outcome(none, _turn("None of SUP-01's purchase orders are late.")) == "correct"
    assert _outcome(none, _turn("purchase_orders could not answer: not permitted")) == "honest"


def test_unanswerable_questions_want_a_cannot_not_a_figure() -> None:
    row = _row(kind="honest", metric=None, unit=None, gold=None)
    assert _outcome(row, _turn("There is no data for 2025: the plant's data starts on 2026-05-21.")) == "correct"
    assert _outcome(row, _turn("这个问题需要预测，离线模式无法回答。")) == "correct"
    assert _outcome(row, _turn("OEE · L3 · yesterday: OEE 77.1%")) == "confident_wrong"
