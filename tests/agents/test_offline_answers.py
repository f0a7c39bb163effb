"""How offline answers write figures, periods, titles and provenance; the plant vocabulary names are matched with."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from agents.extraction import extract_mentions, vocabulary_from_session
from agents.models.offline.answers import format_figure, period_text, provenance_text, tool_title
from agents.models.offline.tool_specs import ToolSpec


@pytest.mark.parametrize(
    ("name", "value", "unit", "lang", "shown"),
    [
        ("oee", 0.8532, "ratio", "en", "85.3%"),
        ("scrap_ratio", 0.0074, "ratio", "en", "0.74%"),
        ("scrap_ratio", 0.0101, "ratio", "zh", "1.0%"),
        ("scrap_ratio", 0.009009, "ratio", "en", "0.90%"),
        ("share", 1.0, "min", "en", "100.0%"),
        ("total_minutes", 512.5, "min", "en", "512.5 min"),
        ("unplanned_downtime_h", 5.216667, "ratio", "en", "5.22 h"),
        ("mean", 25.000312, "mm", "en", "25.0003 mm"),
        ("sigma_within", 0.0031274, "mm", "en", "0.00313 mm"),
        ("cpk", 1.8213, "mm", "en", "1.82"),
        ("good", 11820, "pcs", "en", "11,820 pcs"),
        ("good", 11820, "pcs", "zh", "11820 pcs"),
        ("events", 37, "min", "en", "37"),
        ("scrap_allowance_pct", 2.5, None, "en", "2.5%"),
        ("on_hand", 1603.0, "kg", "en", "1603 kg"),
    ],
)
def test_figures_read_with_their_unit(name: str, value: float, unit: str | None, lang: str, shown: str) -> None:
    assert format_figure(name, value, unit, lang) == shown  # type: ignore[arg-type]


def test_periods_show_the_label_and_the_days_covered() -> None:
    yesterday = {"start": "2026-11-19T00:00:00", "end": "2026-11-20T00:00:00", "label": "yesterday"}
    week = {"start": "2026-11-09T00:00:00", "end": "2026-11-16T00:00:00", "label": "上周"}
    rolling = {"start": "2026-11-13T06:00:00", "end": "2026-11-20T06:00:00", "label": "past 7 days"}
    shift = {"start": "2026-11-19T22:00:00", "end": "2026-11-20T06:00:00", "label": "2026-11-19 night shift"}
    assert period_text(yesterday, "en") == "yesterday (2026-11-19)"
    assert period_text(week, "zh") == "上周（2026-11-09 – 2026-11-15）"
    assert period_text(rolling, "en") == "past 7 days (2026-11-13 06:00 – 2026-11-20 06:00)"
    assert period_text(shift, "en") == "2026-11-19 night shift (2026-11-19 22:00 – 2026-11-20 06:00)"
    assert period_text({"start": "2026-11-03T00:00:00", "end": "2026-11-04T00:00:00", "label": "2026-11-03"}, "en") == (
        "2026-11-03"
    )


def test_provenance_names_tables_rows_and_filters() -> None:
    provenance = {"tables": ["production_count", "equipment"], "filters": {"line": "L2"}, "row_count": 24}
    assert provenance_text(provenance, "en") == "Source: 24 rows of production_count, equipment (line=L2)."
    assert provenance_text(provenance, "zh") == "数据来源：production_count、equipment，共24行（line=L2）。"


def test_titles_are_the_first_clause_of_the_description_without_asides() -> None:
    spec = ToolSpec(
        name="oee",
        description="OEE (ISO 22400) of a line or a machine over a period, with availability, performance.",
        description_zh="产线或设备的OEE（设备综合效率，ISO 22400），含可用率、性能率",
    )
    assert tool_title(spec, "oee", "en") == "OEE of a line or a machine over a period"
    assert tool_title(spec, "oee", "zh") == "产线或设备的OEE"
    adapter_style = ToolSpec(name="scrap_rate", description="Scrap ratio of a line. (报废率)")
    assert tool_title(adapter_style, "scrap_rate", "zh") == "报废率"
    assert tool_title(None, "energy_use", "en") == "energy use"


def test_the_plant_vocabulary_maps_operator_names_to_codes(plant_session: Session) -> None:
    vocabulary = vocabulary_from_session(plant_session)
    found = extract_mentions("3号数控机床和二号线，阀体加工线，宁波华鑫锻造，VB-25阀座孔径", vocabulary)
    assert [(e.kind, e.value) for e in found.entities] == [
        ("equipment", "CNC-03"),
        ("line", "L2"),
        ("line", "L2"),
        ("supplier", "SUP-02"),
        ("characteristic", "CH-VB25-SEAT"),
    ]
    # Every CNC has a "Spindle vibration (RMS)" tag: a name shared by several tags identifies none of them.
    assert vocabulary.lookup("Spindle vibration (RMS)") is None
    tag = vocabulary.lookup("cnc-03.vib")
    assert tag is not None
    assert (tag.kind, tag.code) == ("tag", "CNC-03.VIB")
