"""Production tools: production-order status and lists, output by line / shift / product / day, schedule adherence."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, func, or_, select

from connectors.schema import Equipment, Line, Product, ProductionCount, ProductionOrder, Shift
from tools.builtin.common import Limit, Part, period_of, provenance, r, scope_of, total, truncation, visible_line_ids
from tools.contract import ToolContext, ToolResult, tool
from tools.kpi import rate
from tools.queries import columns, within
from tools.resolvers import Entity, resolve_entity, resolve_line

__all__ = [
    "OrderRow",
    "OrderStatusResult",
    "OrdersResult",
    "OutputGroup",
    "OutputResult",
    "ScheduleAdherenceResult",
    "list_production_orders",
    "production_order_status",
    "production_output",
    "schedule_adherence",
]

MO = columns(ProductionOrder)
PRODUCT = columns(Product)
LINE = columns(Line)
PC = columns(ProductionCount)
EQ = columns(Equipment)
SHIFT = columns(Shift)


class OrderRow(Part):
    """A production order with its progress; `late` when finished after, or still open past, its due date."""

    code: str
    product: str
    product_name_en: str
    product_name_zh: str
    line: str
    status: str
    quantity_planned: int
    quantity_good: int
    quantity_scrap: int
    quantity_rework: int
    progress: float | None = None
    planned_start: datetime
    planned_end: datetime
    due_date: datetime
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    late: bool


def _order_select() -> Any:
    return (
        select(
            MO.code,
            PRODUCT.code,
            PRODUCT.name_en,
            PRODUCT.name_zh,
            LINE.code,
            MO.status,
            MO.quantity_planned,
            MO.quantity_good,
            MO.quantity_scrap,
            MO.quantity_rework,
            MO.planned_start,
            MO.planned_end,
            MO.due_date,
            MO.actual_start,
            MO.actual_end,
        )
        .select_from(ProductionOrder)
        .join(Product, PRODUCT.id == MO.product_id)
        .join(Line, LINE.id == MO.line_id)
    )


def _row(values: Any, now: datetime) -> OrderRow:
    (code, product, en, zh, line, status, planned, good, scrap, rework, p_start, p_end, due, a_start, a_end) = values
    finished = status == "completed"
    late = (finished and a_end is not None and a_end > due) or (not finished and due < now)
    return OrderRow(
        code=code,
        product=product,
        product_name_en=en,
        product_name_zh=zh,
        line=line,
        status=status,
        quantity_planned=planned,
        quantity_good=good,
        quantity_scrap=scrap,
        quantity_rework=rework,
        progress=r(good / planned if planned else None, 4),
        planned_start=p_start,
        planned_end=p_end,
        due_date=due,
        actual_start=a_start,
        actual_end=a_end,
        late=late,
    )


class OrderStatusResult(ToolResult):
    """Status and progress of one production order."""

    order: OrderRow


@tool(
    domain="production",
    description_zh="查询单个生产订单的状态、进度（合格数/计划数）、交期和是否延期",
    examples=[
        "What is the status of production order MO-261001?",
        "Is MO-261003 finished?",
        "How far along is order MO-260113?",
        "When is MO-261004 due?",
        "生产订单MO-261001的状态",
        "MO-261003完成了吗？",
        "订单MO-260113的进度怎么样？",
        "MO-261004什么时候交期？",
    ],
    sample_args={"order": "MO-260001"},
)
def production_order_status(ctx: ToolContext, order: str) -> OrderStatusResult:
    """Status, progress (good / planned), due date and lateness of one production order.

    Args:
        order: Production order code, e.g. "MO-261001".
    """
    entity = resolve_entity(ctx, "production_order", order)
    values = ctx.session.execute(_order_select().where(MO.id == entity.id)).one()
    row = _row(values, ctx.clock)
    return OrderStatusResult(
        summary=f"{row.code}: {row.status}, {row.quantity_good}/{row.quantity_planned} good, "
        f"due {row.due_date:%Y-%m-%d}" + (" (late)" if row.late else ""),
        unit="pcs",
        scope={"production_order": row.code, "line": row.line},
        provenance=provenance(["production_order", "product", "line"], 1, production_order=row.code),
        order=row,
    )


class OrdersResult(ToolResult):
    """Production orders matching the filters, by due date."""

    orders: list[OrderRow]


OrderFilter = Literal["open", "planned", "released", "in_progress", "completed", "late", "all"]


def _status_filter(status: OrderFilter, now: datetime) -> Any:
    if status == "open":
        return MO.status != "completed"
    if status == "late":
        return or_(
            and_(MO.status != "completed", MO.due_date < now),
            and_(MO.status == "completed", MO.actual_end > MO.due_date),
        )
    if status == "all":
        return None
    return MO.status == status


@tool(
    domain="production",
    description_zh="按产线、状态、交期列出生产订单（未完成、已完成、延期等）",
    examples=[
        "List open production orders on line 2",
        "Which orders are late?",
        "Show completed production orders for L1 last week",
        "What is planned on line 4 this week?",
        "2号线未完成的生产订单",
        "哪些生产订单延期了？",
        "1号线上周完成的订单",
        "4号线本周计划生产什么？",
    ],
    sample_args={"line": "L2", "status": "open"},
)
def list_production_orders(
    ctx: ToolContext,
    line: str | None = None,
    status: OrderFilter = "open",
    period: str | None = None,
    limit: Limit = 20,
) -> OrdersResult:
    """Production orders filtered by line, status (open, late, completed, ...) and due-date period, soonest due first.

    Args:
        line: Line code or name, e.g. "L2", "2号线"; all lines in the caller's scope when omitted.
        status: open (not completed), late (open past due or finished after due), a status name, or all.
        period: Only orders due in this period, e.g. "this week", "tomorrow", "下周" (ahead of today too).
        limit: How many orders to list (1-100).
    """
    entity = resolve_line(ctx, line) if line else None
    span = period_of(ctx, period, due_dates=True) if period else None
    statement = _order_select()
    if entity is not None:
        statement = statement.where(MO.line_id == entity.id)
    elif (lines := visible_line_ids(ctx)) is not None:
        statement = statement.where(MO.line_id.in_(lines))
    condition = _status_filter(status, ctx.clock)
    if condition is not None:
        statement = statement.where(condition)
    if span is not None:
        statement = statement.where(within(MO.due_date, span))
    statement = statement.order_by(MO.due_date, MO.code)
    count = total(statement, ctx.session)
    orders = [_row(values, ctx.clock) for values in ctx.session.execute(statement.limit(limit))]
    where = entity.code if entity else "all lines"
    return OrdersResult(
        summary=f"{count} {status} production order(s) on {where}" + (f" due {span.label}" if span else ""),
        unit="pcs",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(
            ["production_order", "product", "line"], count, span, line=entity.code if entity else None, status=status
        ),
        **truncation(count, limit),
        data_unavailable=count == 0,
        orders=orders,
    )


class OutputGroup(Part):
    """Output of one group: good, scrap and rework parts at the line-output station."""

    key: str
    name_en: str = ""
    name_zh: str = ""
    good: int
    scrap: int
    rework: int
    scrap_ratio: float | None


class OutputResult(ToolResult):
    """Line output (parts through each line's output station) grouped as asked."""

    group_by: str
    total_good: int
    total_scrap: int
    total_rework: int
    groups: list[OutputGroup]


GroupBy = Literal["line", "shift", "product", "day"]


def _group_column(group_by: GroupBy) -> Any:
    day = func.date(PC.hour_start)  # SQLite: text, PostgreSQL: date; both print as YYYY-MM-DD
    return {"line": PC.line_id, "shift": PC.shift_id, "product": PC.product_id, "day": day}[group_by]


def _labels(ctx: ToolContext, group_by: GroupBy) -> dict[Any, tuple[str, str, str]]:
    if group_by == "line":
        statement = select(LINE.id, LINE.code, LINE.name_en, LINE.name_zh)
    elif group_by == "shift":
        statement = select(SHIFT.id, SHIFT.code, SHIFT.name_en, SHIFT.name_zh)
    elif group_by == "product":
        statement = select(PRODUCT.id, PRODUCT.code, PRODUCT.name_en, PRODUCT.name_zh)
    else:
        return {}
    return {row[0]: (row[1], row[2], row[3]) for row in ctx.session.execute(statement)}


@tool(
    domain="production",
    description_zh="产量（线体出口工位的合格数、报废数、返工数），可按产线、班次、产品或日期分组",
    examples=[
        "How many parts did line 2 make yesterday?",
        "Output by shift for L1 last week",
        "Production output by product this month",
        "Daily output of line 3 over the past 7 days",
        "2号线昨天生产了多少件？",
        "1号线上周各班次的产量",
        "本月各产品的产量",
        "装配线最近7天每天的产量",
    ],
    sample_args={"line": "L2", "period": "yesterday", "group_by": "shift"},
    metrics={"good_count": "total_good"},
)
def production_output(
    ctx: ToolContext,
    line: str | None = None,
    period: str = "yesterday",
    group_by: GroupBy = "shift",
    equipment: str | None = None,
) -> OutputResult:
    """Good, scrap and rework parts through the line-output station of a line (or of every line), or made by one
    machine, grouped by line, shift, product or day. Each part is counted once, at the last station of its line.

    Args:
        line: Line code or name, e.g. "L2", "2号线"; every line in the caller's scope when omitted.
        period: Time expression, e.g. "yesterday", "last week", "本月".
        group_by: line, shift, product or day.
        equipment: A machine code or name, e.g. "CNC-02": the parts that machine made instead of a line's output.
    """
    machine = resolve_entity(ctx, "equipment", equipment) if equipment else None
    entity = resolve_line(ctx, line) if line and machine is None else None
    span = period_of(ctx, period, plant_wide=entity is None and machine is None)
    group = _group_column(group_by)
    statement = (
        select(group, func.sum(PC.good_qty), func.sum(PC.scrap_qty), func.sum(PC.rework_qty), func.count())
        .select_from(ProductionCount)
        .join(Equipment, EQ.id == PC.equipment_id)
        .where(within(PC.hour_start, span))
        .group_by(group)
    )
    if machine is not None:
        statement = statement.where(PC.equipment_id == machine.id)
    else:
        statement = statement.where(EQ.is_line_output.is_(True))
    if entity is not None:
        statement = statement.where(PC.line_id == entity.id)
    elif machine is None and (lines := visible_line_ids(ctx)) is not None:
        statement = statement.where(PC.line_id.in_(lines))
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    labels = _labels(ctx, group_by)
    names: dict[str, tuple[str, str]] = {}
    for key, good, scrap, rework, rows in ctx.session.execute(statement):
        if group_by == "day":
            label = str(key)[:10]
        else:
            code, en, zh = labels.get(key, (str(key), "", ""))
            label, names[code] = code, (en, zh)
        for i, value in enumerate((good, scrap, rework, rows)):
            sums[label][i] += int(value or 0)
    groups = [
        OutputGroup(
            key=key,
            name_en=names.get(key, ("", ""))[0],
            name_zh=names.get(key, ("", ""))[1],
            good=v[0],
            scrap=v[1],
            rework=v[2],
            scrap_ratio=r(rate(v[1], v[0] + v[1] + v[2]), 4),
        )
        for key, v in sorted(sums.items())
    ]
    good = sum(g.good for g in groups)
    rows = sum(v[3] for v in sums.values())
    where = machine.code if machine else entity.code if entity else "all lines"
    return OutputResult(
        summary=f"Output of {where} for {span.label}: {good} good parts",
        unit="pcs",
        period=span,
        scope=scope_of(machine or entity),
        provenance=provenance(
            ["production_count", "equipment"],
            rows,
            span,
            line=entity.code if entity else None,
            equipment=machine.code if machine else None,
            station=f"machine {machine.code}" if machine else "line output (equipment.is_line_output)",
            group_by=group_by,
        ),
        data_unavailable=rows == 0,
        group_by=group_by,
        total_good=good,
        total_scrap=sum(g.scrap for g in groups),
        total_rework=sum(g.rework for g in groups),
        groups=groups,
    )


class ScheduleAdherenceResult(ToolResult):
    """Orders completed by their due date / orders due in the period (ISO 22400 style schedule adherence)."""

    adherence: float | None
    orders_due: int
    completed_on_time: int
    late_orders: list[str]


@tool(
    domain="production",
    description_zh="计划达成率（按期完成的订单数/期间内到期的订单数）及延期订单",
    examples=[
        "What was schedule adherence on line 2 last week?",
        "How many orders were finished on time this month?",
        "Schedule attainment for L1 yesterday",
        "Which orders missed their due date last week?",
        "2号线上周的计划达成率",
        "本月有多少订单按期完成？",
        "1号线昨天的计划完成率",
        "上周哪些订单没有按期完成？",
    ],
    sample_args={"line": "L2", "period": "last week"},
    metrics={"schedule_adherence": "adherence"},
)
def schedule_adherence(ctx: ToolContext, line: str | None = None, period: str = "last week") -> ScheduleAdherenceResult:
    """Schedule adherence: production orders completed by their due date / orders due in the period, with the late ones.

    Args:
        line: Line code or name, e.g. "L2", "2号线"; every line in the caller's scope when omitted.
        period: Time expression for the due dates, e.g. "last week", "本月".
    """
    entity: Entity | None = resolve_line(ctx, line) if line else None
    span = period_of(ctx, period)
    statement = select(MO.code, MO.status, MO.due_date, MO.actual_end).where(within(MO.due_date, span))
    if entity is not None:
        statement = statement.where(MO.line_id == entity.id)
    elif (lines := visible_line_ids(ctx)) is not None:
        statement = statement.where(MO.line_id.in_(lines))
    rows = ctx.session.execute(statement.order_by(MO.due_date, MO.code)).all()
    on_time = [code for code, status, due, end in rows if status == "completed" and end is not None and end <= due]
    late = [code for code, *_ in rows if code not in set(on_time)]
    adherence = rate(len(on_time), len(rows))
    where = entity.code if entity else "all lines"
    shown = "n/a" if adherence is None else f"{adherence:.1%}"
    return ScheduleAdherenceResult(
        summary=f"Schedule adherence of {where} for {span.label}: {shown} ({len(on_time)}/{len(rows)} orders on time)",
        unit="ratio",
        period=span,
        scope=scope_of(entity),
        provenance=provenance(["production_order"], len(rows), span, line=entity.code if entity else None),
        **truncation(len(late), 100),
        data_unavailable=not rows,
        adherence=r(adherence),
        orders_due=len(rows),
        completed_on_time=len(on_time),
        late_orders=late[:100],
    )
