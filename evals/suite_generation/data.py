"""The data-questions suite: single-tool questions of every data domain, gold values computed from the plant."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evals.suite_generation.common import LINES, PERIODS, case, line_names, period_names

__all__ = ["data_cases"]


@dataclass(frozen=True)
class _Question:
    """One question pattern: gold function, its entity argument, the tool that answers it and both phrasings."""

    key: str
    domain: str
    gold: str
    entity_arg: str | None
    en: str
    zh: str
    tool: str | None = None
    tool_entity_arg: str | None = None
    tolerance: float = 0.005
    relative: bool = False
    text_gold: bool = False
    extra_gold_args: dict[str, Any] = field(default_factory=dict)
    role: str | None = None


_Q = _Question
QUESTIONS: list[tuple[_Question, list[str], list[str]]] = [
    # production
    (
        _Q(
            "oee",
            "production",
            "line_oee",
            "line",
            "What was the OEE of {e} {p}?",
            "{e}{p}的OEE是多少？",
            tool="oee",
            tool_entity_arg="target",
        ),
        ["L1", "L2", "L3", "L4"],
        ["yesterday", "last week"],
    ),
    (
        _Q(
            "eq-oee",
            "production",
            "equipment_oee",
            "equipment",
            "OEE of {e} {p}",
            "{e}{p}的设备综合效率",
            tool="oee",
            tool_entity_arg="target",
        ),
        ["CNC-01", "CNC-03", "CNC-04", "PRS-01"],
        ["last week"],
    ),
    (
        _Q(
            "avail",
            "production",
            "line_availability",
            "line",
            "What was the availability of {e} {p}?",
            "{e}{p}的可用率是多少？",
            tool="oee",
            tool_entity_arg="target",
        ),
        ["L2", "L3"],
        ["yesterday"],
    ),
    (
        _Q(
            "output",
            "production",
            "line_good_output",
            "line",
            "How many good parts did {e} make {p}?",
            "{e}{p}生产了多少合格品？",
            tool="production_output",
            tool_entity_arg="line",
            tolerance=0.0,
        ),
        ["L1", "L2", "L3", "L4"],
        ["yesterday"],
    ),
    (
        _Q(
            "top-dt",
            "production",
            "top_downtime_reason",
            "line",
            "What was the biggest downtime reason on {e} {p}?",
            "{e}{p}最主要的停机原因是什么？",
            tool="downtime_pareto",
            tool_entity_arg="target",
            text_gold=True,
        ),
        ["L1", "L2", "L3"],
        ["last week"],
    ),
    # quality
    (
        _Q(
            "scrap",
            "quality",
            "line_scrap_ratio",
            "line",
            "What was the scrap rate of {e} {p}?",
            "{e}{p}的报废率是多少？",
            tool="scrap_rate",
            tool_entity_arg="target",
            tolerance=0.002,
        ),
        ["L1", "L2", "L3", "L4"],
        ["yesterday", "last week"],
    ),
    (
        _Q(
            "fpy",
            "quality",
            "line_first_pass_yield",
            "line",
            "First pass yield of {e} {p}?",
            "{e}{p}的一次合格率？",
            tool="first_pass_yield",
            tool_entity_arg="target",
        ),
        ["L1", "L2", "L3"],
        ["last week"],
    ),
    (
        _Q(
            "top-defect",
            "quality",
            "top_defect_code",
            "line",
            "Which defect code was most frequent on {e} {p}?",
            "{e}{p}最多的缺陷代码是哪个？",
            tool="defect_pareto",
            tool_entity_arg="target",
            text_gold=True,
        ),
        ["L1", "L2", "L3"],
        ["last week"],
    ),
    (
        _Q(
            "cpk",
            "quality",
            "characteristic_cpk",
            "characteristic",
            "What is the Cpk of {e} {p}?",
            "{e}{p}的Cpk是多少？",
            tool="spc_analysis",
            tool_entity_arg="characteristic",
            tolerance=0.02,
        ),
        ["CH-VB25-SEAT", "CH-PH40-BORE", "CH-CP40-FORCE"],
        ["last 30 days"],
    ),
    # maintenance
    (
        _Q(
            "failures",
            "maintenance",
            "equipment_failures",
            "equipment",
            "How many breakdowns did {e} have {p}?",
            "{e}{p}发生了几次故障？",
            tolerance=0.0,
        ),
        ["CNC-03", "ROB-01", "PRS-01"],
        ["last 30 days"],
    ),
    (
        _Q(
            "mtbf",
            "maintenance",
            "equipment_mtbf_h",
            "equipment",
            "What is the MTBF of {e} {p}?",
            "{e}{p}的平均故障间隔时间（MTBF）是多少？",
            tool="mtbf_mttr",
            tool_entity_arg="target",
            tolerance=0.01,
            relative=True,
        ),
        ["CNC-03"],
        ["last 30 days"],
    ),
    (
        _Q(
            "mttr",
            "maintenance",
            "equipment_mttr_h",
            "equipment",
            "What is the MTTR of {e} {p}?",
            "{e}{p}的平均修复时间（MTTR）是多少？",
            tool="mtbf_mttr",
            tool_entity_arg="target",
            tolerance=0.01,
            relative=True,
        ),
        ["CNC-03"],
        ["last 30 days"],
    ),
    (
        _Q(
            "open-wo",
            "maintenance",
            "open_work_orders",
            "line",
            "How many maintenance work orders are open on {e}?",
            "{e}还有多少未完成的维修工单？",
            tool="maintenance_work_orders",
            tool_entity_arg="target",
            tolerance=0.0,
        ),
        ["L1", "L2", "L3", "L4"],
        [""],
    ),
    # equipment
    (
        _Q(
            "alarms",
            "equipment",
            "equipment_alarm_count",
            "equipment",
            "How many alarms did {e} raise {p}?",
            "{e}{p}报了多少次警？",
            tolerance=0.0,
        ),
        ["ROB-01", "CNC-03", "LT-01", "PKG-01"],
        ["last week"],
    ),
    (
        _Q(
            "top-alarm",
            "equipment",
            "top_alarm_code",
            "equipment",
            "Which alarm code came up most often on {e} {p}?",
            "{e}{p}最常出现的报警代码是哪个？",
            text_gold=True,
        ),
        ["ROB-01", "CNC-03", "LT-01"],
        ["last week"],
    ),
    (
        _Q(
            "vib-max",
            "equipment",
            "sensor_max",
            "tag",
            "What was the highest reading of {e} {p}?",
            "{e}{p}的最高读数是多少？",
            tolerance=0.01,
            relative=True,
        ),
        ["CNC-03.VIB", "CNC-04.VIB"],
        ["last week"],
    ),
    (
        _Q(
            "temp-mean",
            "equipment",
            "sensor_mean",
            "tag",
            "Average value of {e} {p}?",
            "{e}{p}的平均值是多少？",
            tolerance=0.01,
            relative=True,
        ),
        ["CNC-03.TEMP", "WSH-02.TEMP", "PRS-01.PRES"],
        ["yesterday"],
    ),
    # supply chain
    (
        _Q(
            "available",
            "supply_chain",
            "material_available",
            "material",
            "How much {e} is available in stock?",
            "{e}现在可用库存有多少？",
            tolerance=0.0,
        ),
        ["RM-1101", "CP-2002", "CP-2003", "PK-3001", "CP-2005"],
        [""],
    ),
    (
        _Q(
            "below-rop",
            "supply_chain",
            "materials_below_reorder",
            None,
            "How many materials are below their reorder point?",
            "有多少物料低于再订货点？",
            tolerance=0.0,
        ),
        ["-"],
        [""],
    ),
    (
        _Q(
            "otd",
            "supply_chain",
            "supplier_on_time_rate",
            "supplier",
            "What is the on-time delivery rate of {e} {p}?",
            "{e}{p}的准时交货率是多少？",
            tolerance=0.01,
        ),
        ["SUP-02", "SUP-01", "SUP-04"],
        ["last 30 days"],
    ),
    (
        _Q(
            "open-po",
            "supply_chain",
            "supplier_open_po_lines",
            "supplier",
            "How many PO lines from {e} are still open?",
            "{e}还有多少采购订单行没有到货？",
            tolerance=0.0,
        ),
        ["SUP-02", "SUP-03"],
        [""],
    ),
]


# The tools that answer the equipment and supply-chain questions, with the role their permission needs.
_TOOL_FOR: dict[str, tuple[str | None, str | None, str | None]] = {
    "alarms": ("list_alarms|top_alarm_codes", "target", None),
    "top-alarm": ("top_alarm_codes", "target", None),
    "vib-max": ("sensor_trend", "tag", None),
    "temp-mean": ("sensor_trend", "tag", None),
    "available": ("stock_levels", "material", None),
    "below-rop": ("materials_below_reorder_point", None, None),
    "otd": ("supplier_on_time_delivery", "supplier", "supervisor"),
    "open-po": ("purchase_orders", "supplier", "engineer"),
}


def _entity_text(entity: str, lang: str) -> str:
    if entity in LINES:
        return LINES[entity][0].title() if lang == "en" else LINES[entity][1]
    return entity


def _one(q: _Question, entity: str, period: str, lang: str) -> dict[str, Any]:
    template = q.en if lang == "en" else q.zh
    phrase = PERIODS[period][0 if lang == "en" else 1] if period else ""
    text = template.format(e=_entity_text(entity, lang), p=phrase).replace("  ", " ").replace(" ?", "?")
    args: dict[str, Any] = dict(q.extra_gold_args)
    if q.entity_arg is not None:
        args[q.entity_arg] = entity
    if period:
        args["period"] = period
    gold: dict[str, Any] = {"fn": q.gold, "args": args}
    numeric: dict[str, Any] = {"gold": gold, "tolerance": q.tolerance}
    if q.relative:
        numeric["relative"] = True
    check = {"gold_text": gold} if q.text_gold else {"numeric": numeric}
    expect: dict[str, Any] = {"domains": [q.domain], "answer": [check], "grounded": True}
    tool, tool_entity_arg, role = _TOOL_FOR.get(q.key, (q.tool, q.tool_entity_arg, q.role))
    if tool is not None:
        tool_args: dict[str, Any] = {}
        if tool_entity_arg is not None:
            tool_args[tool_entity_arg] = line_names(entity) if entity in LINES else [entity]
        if period and tool != "purchase_orders":
            tool_args["period"] = period_names(period)
        names = tool.split("|")
        expect["tool_calls"] = [{"name": names[0] if len(names) == 1 else names, "args": tool_args}]
    suffix = entity.lower().replace(".", "-") if entity != "-" else "all"
    period_key = period.replace(" ", "-") if period else "now"
    return case(f"{q.key}-{suffix}-{period_key}-{lang}", text, lang, "L2", expect, role=role, tags=[q.domain, q.key])


def data_cases() -> list[dict[str, Any]]:
    """Every question pattern x entity x period, in English and Chinese."""
    return [
        _one(q, entity, period, lang)
        for q, entities, periods in QUESTIONS
        for entity in entities
        for period in periods
        for lang in ("en", "zh")
    ]
