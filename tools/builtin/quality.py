"""Quality tools: defect Pareto, first pass yield, scrap and rework rates."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import func, select

from connectors.schema import Defect, DefectCode, Equipment, Inspection, ProductionCount
from tools.builtin.common import Limit, Part, period_of, provenance, r, scope_of, truncation
from tools.contract import ToolContext, ToolResult, tool
from tools.kpi import first_pass_yield as fpy
from tools.kpi import quality_ratios
from tools.queries import columns, within
from tools.resolvers import Entity, resolve_entity, resolve_line_or_equipment

__all__ = [
    "DefectParetoResult",
    "DefectRow",
    "FirstPassYieldResult",
    "ScrapRateResult",
    "ScrapRow",
    "defect_pareto",
    "first_pass_yield",
    "scrap_rate",
]

DEFECT = columns(Defect)
CODE = columns(DefectCode)
INSPECTION = columns(Inspection)
PC = columns(ProductionCount)
EQ = columns(Equipment)


def _target_filter(entity: Entity, line_column: Any, equipment_column: Any) -> Any:
    return line_column == entity.id if entity.kind == "line" else equipment_column == entity.id


class DefectRow(Part):
    """One defect code of the Pareto: parts found, share and cumulative share."""

    code: str
    name_en: str
    name_zh: str
    severity: str
    quantity: int
    scrap: int
    rework: int
    share: float
    cumulative_share: float


class DefectParetoResult(ToolResult):
    """Defective parts by defect code, most frequent first."""

    target: str
    total_defects: int
    defects: list[DefectRow]


@tool(
    domain="quality",
    description_zh="按缺陷代码的缺陷帕累托分析（数量、占比、累计占比、报废/返工）",
    examples=[
        "Defect Pareto for line 2 last week",
        "What are the most common defects on CNC-03 this month?",
        "Top defect codes on L1 yesterday",
        "Which defects cause the most scrap on line 3?",
        "2号线上周的缺陷帕累托",
        "3号数控机床本月最常见的缺陷是什么？",
        "1号线昨天的主要缺陷类型",
        "装配线哪些缺陷导致报废最多？",
    ],
    sample_args={"target": "L2", "period": "last week"},
    explains=["scrap_rate", "scrap_count", "first_pass_yield", "quality_rate", "rework_rate"],
)
def defect_pareto(ctx: ToolContext, target: str, period: str = "last week", limit: Limit = 10) -> DefectParetoResult:
    """Defects of a line or machine by defect code (Pareto: parts, share, cumulative share, scrap vs rework).

    Args:
        target: Line or equipment code or name, e.g. "L2", "2号线", "CNC-03".
        period: Time expression, e.g. "last week", "本月".
        limit: How many defect codes to list (1-100).
    """
    entity = resolve_line_or_equipment(ctx, target)
    span = period_of(ctx, period)
    quantity = func.sum(DEFECT.quantity)
    scrap = func.sum(DEFECT.quantity).filter(DEFECT.disposition == "scrap")
    statement = (
        select(CODE.code, CODE.name_en, CODE.name_zh, CODE.severity, quantity, scrap, func.count())
        .select_from(Defect)
        .join(DefectCode, CODE.id == DEFECT.defect_code_id)
        .join(Inspection, INSPECTION.id == DEFECT.inspection_id)
        .where(within(DEFECT.detected_at, span), _target_filter(entity, INSPECTION.line_id, DEFECT.equipment_id))
        .group_by(CODE.code, CODE.name_en, CODE.name_zh, CODE.severity)
        .order_by(quantity.desc(), CODE.code)
    )
    grouped = ctx.session.execute(statement).all()
    all_parts = int(sum(row[4] for row in grouped))
    rows, running = [], 0
    for code, en, zh, severity, qty, scrapped, _records in grouped[:limit]:
        running += int(qty)
        rows.append(
            DefectRow(
                code=code,
                name_en=en,
                name_zh=zh,
                severity=severity,
                quantity=int(qty),
                scrap=int(scrapped or 0),
                rework=int(qty) - int(scrapped or 0),
                share=r(qty / all_parts) or 0.0,
                cumulative_share=r(running / all_parts) or 0.0,
            )
        )
    top = f", top {rows[0].code} {rows[0].name_en} ({rows[0].quantity})" if rows else ""
    return DefectParetoResult(
        summary=f"{all_parts} defective part(s) on {entity.code} for {span.label}{top}",
        unit="pcs",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(
            ["defect", "defect_code", "inspection"],
            sum(int(row[6]) for row in grouped),
            span,
            **{entity.kind: entity.code},
        ),
        **truncation(len(grouped), limit),
        data_unavailable=not grouped,
        target=entity.code,
        total_defects=all_parts,
        defects=rows,
    )


class FirstPassYieldResult(ToolResult):
    """Parts good at first inspection / parts inspected."""

    target: str
    first_pass_yield: float | None
    inspected: int
    passed_first_time: int
    inspections: int


InspectionType = Literal["first_article", "in_process", "final"]


@tool(
    domain="quality",
    description_zh="一次合格率（首次检验合格数/检验数），可按产品和检验类型筛选",
    examples=[
        "First pass yield of line 2 yesterday",
        "What is the FPY of CNC-03 last week?",
        "First-time-right rate for VB-25 this month",
        "How many parts passed first inspection on L1 last week?",
        "2号线昨天的一次合格率",
        "3号数控机床上周的直通率是多少？",
        "VB-25本月的一次交检合格率",
        "1号线上周首次检验合格多少件？",
    ],
    sample_args={"target": "L2", "period": "yesterday"},
    metrics={"first_pass_yield": "first_pass_yield"},
)
def first_pass_yield(
    ctx: ToolContext,
    target: str,
    period: str = "yesterday",
    product: str | None = None,
    inspection_type: InspectionType | None = None,
) -> FirstPassYieldResult:
    """First pass yield of a line or machine: parts good at first inspection / parts inspected, from inspection lots.

    Args:
        target: Line or equipment code or name, e.g. "L2", "2号线", "CNC-03".
        period: Time expression, e.g. "yesterday", "last week", "本月".
        product: Only this product (code, name or alias, e.g. "P-2001", "VB-25").
        inspection_type: Only this kind of inspection; all kinds when omitted.
    """
    entity = resolve_line_or_equipment(ctx, target)
    item = resolve_entity(ctx, "product", product) if product else None
    span = period_of(ctx, period)
    statement = select(
        func.coalesce(func.sum(INSPECTION.quantity_inspected), 0),
        func.coalesce(func.sum(INSPECTION.quantity_passed_first), 0),
        func.count(),
    ).where(within(INSPECTION.inspected_at, span), _target_filter(entity, INSPECTION.line_id, INSPECTION.equipment_id))
    if item is not None:
        statement = statement.where(INSPECTION.product_id == item.id)
    if inspection_type is not None:
        statement = statement.where(INSPECTION.inspection_type == inspection_type)
    inspected, passed, lots = (int(v) for v in ctx.session.execute(statement).one())
    value = fpy(passed, inspected)
    shown = "n/a" if value is None else f"{value:.1%}"
    return FirstPassYieldResult(
        summary=f"First pass yield of {entity.code} for {span.label}: {shown} ({passed}/{inspected})",
        unit="ratio",
        period=span,
        scope=scope_of(entity, item),
        provenance=provenance(
            ["inspection"],
            lots,
            span,
            **{entity.kind: entity.code},
            product=item.code if item else None,
            inspection_type=inspection_type,
        ),
        data_unavailable=inspected == 0,
        target=entity.code,
        first_pass_yield=r(value),
        inspected=inspected,
        passed_first_time=passed,
        inspections=lots,
    )


class ScrapRow(Part):
    """Scrap and rework of one machine."""

    equipment: str
    produced: int
    scrap: int
    rework: int
    scrap_ratio: float | None
    rework_ratio: float | None


class ScrapRateResult(ToolResult):
    """Scrap ratio SQ/PQ and rework ratio RQ/PQ from production counts, overall and per machine."""

    target: str
    produced: int
    good: int
    scrap: int
    rework: int
    scrap_ratio: float | None
    rework_ratio: float | None
    by_equipment: list[ScrapRow]


@tool(
    domain="quality",
    description_zh="报废率（报废数/产出数）和返工率，按设备分解",
    examples=[
        "Scrap rate of line 2 yesterday",
        "How much scrap did CNC-03 produce last week?",
        "Rework ratio for L1 this month",
        "Which machine on line 3 scraps the most parts?",
        "2号线昨天的报废率",
        "3号数控机床上周报废了多少件？",
        "1号线本月的返工率",
        "装配线哪台设备报废最多？",
    ],
    sample_args={"target": "L2", "period": "yesterday"},
    metrics={"scrap_rate": "scrap_ratio", "rework_rate": "rework_ratio", "scrap_count": "scrap"},
)
def scrap_rate(ctx: ToolContext, target: str, period: str = "yesterday") -> ScrapRateResult:
    """Scrap ratio (SQ/PQ) and rework ratio (RQ/PQ) of a line or machine from production counts, per machine too.

    Args:
        target: Line or equipment code or name, e.g. "L2", "2号线", "CNC-03".
        period: Time expression, e.g. "yesterday", "last week", "本月".
    """
    entity = resolve_line_or_equipment(ctx, target)
    span = period_of(ctx, period)
    statement = (
        select(EQ.code, func.sum(PC.good_qty), func.sum(PC.scrap_qty), func.sum(PC.rework_qty), func.count())
        .select_from(ProductionCount)
        .join(Equipment, EQ.id == PC.equipment_id)
        .where(within(PC.hour_start, span), _target_filter(entity, PC.line_id, PC.equipment_id))
        .group_by(EQ.code)
        .order_by(EQ.code)
    )
    machines = []
    sums = [0, 0, 0, 0]
    for code, good, scrap, rework, rows in ctx.session.execute(statement):
        good, scrap, rework = int(good or 0), int(scrap or 0), int(rework or 0)
        ratios = quality_ratios(good + scrap + rework, good, scrap, rework)
        machines.append(
            ScrapRow(
                equipment=code,
                produced=ratios.produced,
                scrap=scrap,
                rework=rework,
                scrap_ratio=r(ratios.scrap_ratio),
                rework_ratio=r(ratios.rework_ratio),
            )
        )
        for i, value in enumerate((good, scrap, rework, int(rows))):
            sums[i] += value
    overall = quality_ratios(sums[0] + sums[1] + sums[2], sums[0], sums[1], sums[2])
    shown = "n/a" if overall.scrap_ratio is None else f"{overall.scrap_ratio:.2%}"
    return ScrapRateResult(
        summary=f"Scrap rate of {entity.code} for {span.label}: {shown} ({overall.scrap}/{overall.produced})",
        unit="ratio",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(["production_count", "equipment"], sums[3], span, **{entity.kind: entity.code}),
        data_unavailable=overall.produced == 0,
        target=entity.code,
        produced=overall.produced,
        good=overall.good,
        scrap=overall.scrap,
        rework=overall.rework,
        scrap_ratio=r(overall.scrap_ratio),
        rework_ratio=r(overall.rework_ratio),
        by_equipment=machines,
    )
