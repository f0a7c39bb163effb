"""The demo plant's fixed master data is consistent, and the stories point at things that exist."""

from __future__ import annotations

from connectors.demo import catalog, stories


def _codes(items: tuple[catalog.NamedSpec, ...]) -> set[str]:
    return {item.code for item in items}


def test_every_reference_in_the_catalog_resolves() -> None:
    lines, products, materials = _codes(catalog.LINES), _codes(catalog.PRODUCTS), _codes(catalog.MATERIALS)
    equipment = _codes(catalog.EQUIPMENT)
    assert {e.line for e in catalog.EQUIPMENT} == lines
    assert {p.line for p in catalog.PRODUCTS} == lines
    assert {p.material for p in catalog.PRODUCTS} <= materials
    assert {p for line in catalog.LINES for p in line.products} == products
    assert {b.product for b in catalog.BOMS} == products
    assert {m for b in catalog.BOMS for m, _, _ in b.components} <= materials
    assert {m.supplier for m in catalog.MATERIALS if m.supplier} <= _codes(catalog.SUPPLIERS)
    assert {c.equipment for c in catalog.SPC_CHARACTERISTICS} <= equipment
    assert {c.product for c in catalog.SPC_CHARACTERISTICS} <= products


def test_each_line_has_one_output_station_that_paces_it() -> None:
    for line in catalog.LINES:
        outputs = [e for e in catalog.EQUIPMENT if e.line == line.code and e.is_line_output]
        assert len(outputs) == 1, line.code
        assert outputs[0].cycle_factor == 1.0


def test_spec_limits_are_ordered() -> None:
    for characteristic in catalog.SPC_CHARACTERISTICS:
        assert characteristic.lsl < characteristic.target < characteristic.usl, characteristic.code


def test_stories_name_catalog_entries() -> None:
    equipment = _codes(catalog.EQUIPMENT)
    assert stories.BREAKDOWN_EQUIPMENT in equipment
    assert stories.BREAKDOWN_FAILURE_MODE in _codes(catalog.FAILURE_MODES)
    assert stories.LATE_SUPPLIER in _codes(catalog.SUPPLIERS)
    assert stories.DRIFT_CHARACTERISTIC in _codes(catalog.SPC_CHARACTERISTICS)
    below = set(stories.BELOW_REORDER_WITH_PO) | set(stories.BELOW_REORDER_WITHOUT_PO)
    assert below <= _codes(catalog.MATERIALS)
    alarm_codes = {a.code for a in catalog.ALARM_CODES}
    assert {(m, a) for m, a, _ in stories.RECURRING_ALARMS} <= {(m, a) for m in equipment for a in alarm_codes}
    assert stories.PLANT_CLOCK.hour == catalog.SHIFTS[0].start.hour  # the clock sits on a shift boundary
    assert stories.VIBRATION_RAMP_START < stories.BREAKDOWN_START < stories.BREAKDOWN_END < stories.PLANT_CLOCK
