"""Every gold value of the built-in suites is computable from the seeded small plant (seed 7), and the
gold functions agree with hand counts on the same data."""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest
from sqlalchemy import Engine, text

from evals.gold import GOLD, GoldResolver
from evals.loader import builtin_suites, load_suite
from evals.schema import GoldRef, SuiteSpec


@functools.cache
def _suites() -> dict[str, SuiteSpec]:
    # Parsing the YAML of every built-in suite takes seconds: once per test session is enough.
    return {path.stem: load_suite(path) for path in builtin_suites()}


def _all_refs() -> list[tuple[str, GoldRef, bool]]:
    found = []
    for suite in _suites().values():
        for case in suite.cases:
            for check in case.expect.answer:
                if check.numeric is not None:
                    found.append((case.id, check.numeric.gold, True))
                if check.gold_text is not None:
                    found.append((case.id, check.gold_text, False))
    return found


def test_the_builtin_suites_reference_only_registered_gold_functions() -> None:
    unknown = sorted({ref.fn for _, ref, _ in _all_refs() if ref.fn not in GOLD})
    assert unknown == []
    assert len(_all_refs()) >= 150


def test_every_gold_value_is_derivable_from_the_small_plant(small_plant_engine: Engine) -> None:
    resolve = GoldResolver(small_plant_engine, GOLD)
    missing: list[str] = []
    for case_id, ref, numeric in _all_refs():
        value: Any = resolve(ref)
        if numeric:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        else:
            ok = isinstance(value, str) and bool(value)
        if not ok:
            missing.append(f"{case_id}: {ref.fn}({ref.args}) = {value!r}")
    assert missing == []


def test_gold_good_output_matches_a_direct_count(small_plant_engine: Engine) -> None:
    # Line output = good count of the line's output station (is_line_output), yesterday = 2026-11-19.
    query = text(
        "SELECT COALESCE(SUM(pc.good_qty), 0) FROM production_count pc JOIN equipment e ON e.id = pc.equipment_id "
        "JOIN line l ON l.id = pc.line_id WHERE l.code = 'L2' AND e.is_line_output = 1 "
        "AND pc.hour_start >= '2026-11-19 00:00:00' AND pc.hour_start < '2026-11-20 00:00:00'"
    )
    with small_plant_engine.connect() as connection:
        expected = connection.execute(query).scalar_one()
    ref = GoldRef(fn="line_good_output", args={"line": "L2", "period": "yesterday"})
    assert GoldResolver(small_plant_engine, GOLD)(ref) == expected
    assert expected > 0


def test_unknown_gold_function_is_an_input_error(small_plant_engine: Engine) -> None:
    from evals.errors import GoldError

    with pytest.raises(GoldError, match="unknown gold function 'nope'"):
        GoldResolver(small_plant_engine, GOLD)(GoldRef(fn="nope"))


def test_builtin_suites_meet_their_sizes_and_cover_every_domain() -> None:
    suites = _suites()
    sizes = {name: len(suite.cases) for name, suite in suites.items()}
    assert sizes["routing"] >= 300
    assert sizes["data_questions"] >= 100
    assert sizes["documents"] >= 60
    assert sizes["safety_approvals"] >= 40
    assert sizes["analysis"] >= 30
    data_domains = {d for case in suites["data_questions"].cases for d in case.expect.domains}
    assert data_domains == {"production", "quality", "maintenance", "equipment", "supply_chain"}
    assert {case.lang for suite in suites.values() for case in suite.cases} == {"en", "zh"}


def test_routing_suite_contains_the_whole_heldout_set_and_nothing_from_training() -> None:
    import json

    from evals.suite_generation.routing import HELDOUT_FILE, TRAIN_FILE

    heldout = [json.loads(line) for line in HELDOUT_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    train = {json.loads(line)["text"].lower() for line in TRAIN_FILE.read_text(encoding="utf-8").splitlines() if line}
    suite = _suites()["routing"]
    ids = {case.id for case in suite.cases}
    assert {f"ho-{row['id']}" for row in heldout} <= ids  # regenerate with `python -m evals.suite_generation`
    assert [c.id for c in suite.cases if (c.input or "").lower() in train] == []
