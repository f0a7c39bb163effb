"""A tiny hand-built plant whose KPIs are computed by hand in the tests.

Line L2 ("Line 2", "2号线") has two machines: CNC-03 and the line-output leak tester LT-01.
Shift A of 2026-11-19 (06:00-14:00) on CNC-03: 30 min planned break, 15 min changeover, 45 min
breakdown, 700 parts at an ideal 30 s (680 good, 15 scrap, 5 rework); LT-01 runs the whole shift
and passes 640 good parts at an ideal 40 s. On 11-18 CNC-03 runs the whole shift A with 110
good parts an hour. CNC-03 failed twice (45 min and 120 min of repair). The plant clock is
2026-11-20 06:00, as in the demo plant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from connectors import create_schema, plant_clock
from connectors.schema import (
    Alarm,
    AlarmCode,
    Area,
    Bom,
    BomLine,
    Customer,
    Defect,
    DefectCode,
    Delivery,
    DowntimeEvent,
    DowntimeReason,
    Enterprise,
    Equipment,
    FailureMode,
    Inspection,
    InventoryLot,
    Line,
    MaintenanceWorkOrder,
    Material,
    PlantMeta,
    Product,
    ProductionCount,
    ProductionOrder,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    SensorReading,
    SensorTag,
    Shift,
    ShiftCalendar,
    Site,
    SpcCharacteristic,
    SpcMeasurement,
    StorageLocation,
    Supplier,
)
from tools.contract import Role, Tool, ToolContext
from tools.testing.context import memory_engine

CLOCK = datetime(2026, 11, 20, 6, 0)
DAY = datetime(2026, 11, 19)

# CNC-03 on 11-19 shift A, hour by hour:
# (planned_down, setup, unplanned_down, run) minutes and (good, scrap, rework) parts.
CNC03_HOURS = [
    ((0, 15, 0, 45), (80, 2, 0)),
    ((0, 0, 0, 60), (108, 2, 1)),
    ((0, 0, 45, 15), (25, 1, 0)),
    ((0, 0, 0, 60), (110, 2, 1)),
    ((30, 0, 0, 30), (52, 2, 0)),
    ((0, 0, 0, 60), (105, 2, 1)),
    ((0, 0, 0, 60), (100, 2, 1)),
    ((0, 0, 0, 60), (100, 2, 1)),
]
SPC_VALUES = [10.1, 10.3, 10.0, 10.2, 10.1, 9.9]
VIB_SPIKE_HOUR = 40


def _master(s: Session) -> None:
    s.add(Enterprise(id=1, code="DHPV", name_en="Donghai Pump & Valve", name_zh="东海泵阀"))
    s.add(Site(id=1, code="SZ1", enterprise_id=1, name_en="Suzhou Plant", name_zh="苏州工厂", timezone="Asia/Shanghai"))
    s.add(Area(id=1, code="MACH", site_id=1, name_en="Machining Hall", name_zh="机加工车间"))
    s.add(Line(id=1, code="L1", area_id=1, name_en="Line 1", name_zh="1号线", aliases="Line 1|line1|1号线|一号线"))
    s.add(
        Line(
            id=2,
            code="L2",
            area_id=1,
            name_en="Line 2",
            name_zh="2号线",
            aliases="Line 2|line2|L-2|2号线|二号线|2线|阀体加工线",
        )
    )
    cnc3 = "CNC 3|CNC3|CNC-3|CNC03|3号数控机床|三号数控|3号CNC"
    s.add(
        Equipment(
            id=1,
            code="CNC-01",
            line_id=1,
            position=1,
            equipment_type="cnc",
            name_en="CNC machining center 1",
            name_zh="1号数控加工中心",
            aliases="CNC 1|1号数控机床",
        )
    )
    s.add(
        Equipment(
            id=3,
            code="CNC-03",
            line_id=2,
            position=1,
            equipment_type="cnc",
            name_en="CNC machining center 3",
            name_zh="3号数控加工中心",
            aliases=cnc3,
        )
    )
    s.add(
        Equipment(
            id=5,
            code="LT-01",
            line_id=2,
            position=2,
            equipment_type="tester",
            is_line_output=True,
            name_en="Leak tester 1",
            name_zh="1号气密检测机",
            aliases="Leak tester|气密检测|试漏机",
        )
    )
    for sid, code, en, zh, start, end in [
        (1, "A", "Morning shift (A)", "早班（A班）", time(6), time(14)),
        (2, "B", "Afternoon shift (B)", "中班（B班）", time(14), time(22)),
        (3, "C", "Night shift (C)", "夜班（C班）", time(22), time(6)),
    ]:
        s.add(Shift(id=sid, code=code, name_en=en, name_zh=zh, start_time=start, end_time=end))
    for pid, code, en, zh, cycle in [
        (1, "P-2001", "Valve body VB-25", "阀体VB-25", 30.0),
        (2, "P-2002", "Valve body VB-32", "阀体VB-32", 36.0),
    ]:
        s.add(
            Product(
                id=pid,
                code=code,
                name_en=en,
                name_zh=zh,
                aliases=code.replace("P-", "VB-"),
                default_line_id=2,
                ideal_cycle_time_s=cycle,
            )
        )


def _production(s: Session) -> None:
    for day, shift_id in ((DAY, 1), (DAY - timedelta(days=1), 1)):
        s.add(
            ShiftCalendar(
                line_id=2,
                shift_id=shift_id,
                shift_date=day.date(),
                start=day.replace(hour=6),
                end=day.replace(hour=14),
                crew_size=5,
            )
        )
    for i, ((pdot, setup, adet, run), (good, scrap, rework)) in enumerate(CNC03_HOURS):
        s.add(
            ProductionCount(
                equipment_id=3,
                line_id=2,
                shift_id=1,
                product_id=1,
                production_order_id=1,
                hour_start=DAY.replace(hour=6 + i),
                scheduled_minutes=60,
                planned_down_minutes=pdot,
                setup_minutes=setup,
                unplanned_down_minutes=adet,
                run_minutes=run,
                good_qty=good,
                scrap_qty=scrap,
                rework_qty=rework,
                ideal_cycle_time_s=30.0,
            )
        )
        s.add(
            ProductionCount(
                equipment_id=5,
                line_id=2,
                shift_id=1,
                product_id=1,
                production_order_id=1,
                hour_start=DAY.replace(hour=6 + i),
                scheduled_minutes=60,
                run_minutes=60,
                good_qty=80,
                ideal_cycle_time_s=40.0,
            )
        )
        s.add(
            ProductionCount(
                equipment_id=3,
                line_id=2,
                shift_id=1,
                product_id=2,
                production_order_id=2,
                hour_start=(DAY - timedelta(days=1)).replace(hour=6 + i),
                scheduled_minutes=60,
                run_minutes=60,
                good_qty=110,
                ideal_cycle_time_s=30.0,
            )
        )
    reasons = [
        (1, "D-103", "planned_downtime", True, "Team meeting / training", "班组会议/培训"),
        (2, "D-201", "setup", False, "Product changeover", "换型"),
        (3, "D-301", "breakdown", False, "Mechanical breakdown", "机械故障"),
    ]
    for rid, code, category, planned, en, zh in reasons:
        s.add(DowntimeReason(id=rid, code=code, category=category, planned=planned, name_en=en, name_zh=zh))
    for rid, category, start, minutes, wo in [
        (2, "setup", DAY.replace(hour=6), 15, None),
        (3, "breakdown", DAY.replace(hour=8), 45, 2),
        (1, "planned_downtime", DAY.replace(hour=10), 30, None),
    ]:
        s.add(
            DowntimeEvent(
                equipment_id=3,
                line_id=2,
                reason_id=rid,
                category=category,
                shift_id=1,
                start=start,
                end=start + timedelta(minutes=minutes),
                duration_minutes=minutes,
                maintenance_work_order_id=wo,
            )
        )
    orders = [  # code, product, planned qty, status, due, actual end
        (1, "MO-261001", 1, 700, "completed", datetime(2026, 11, 19, 18), datetime(2026, 11, 19, 14)),
        (2, "MO-261002", 2, 880, "completed", datetime(2026, 11, 18, 12), datetime(2026, 11, 18, 14)),
        (3, "MO-261003", 1, 500, "in_progress", datetime(2026, 11, 19, 22), None),
        (4, "MO-261004", 1, 1000, "planned", datetime(2026, 11, 25, 14), None),
        (5, "MO-261005", 1, 2000, "released", datetime(2026, 11, 27, 14), None),
    ]
    for oid, code, product, qty, status, due, end in orders:
        s.add(
            ProductionOrder(
                id=oid,
                code=code,
                product_id=product,
                line_id=2,
                quantity_planned=qty,
                quantity_good=qty if end else 0,
                status=status,
                planned_start=due - timedelta(hours=8),
                planned_end=due,
                due_date=due,
                actual_end=end,
            )
        )


def _maintenance(s: Session) -> None:
    s.add(
        FailureMode(
            id=1,
            code="FM-SPB",
            equipment_type="cnc",
            name_en="Spindle bearing wear",
            name_zh="主轴轴承磨损",
            aliases="spindle bearing|主轴轴承",
        )
    )
    work_orders = [  # code, kind, status, start, repair minutes
        (1, "WO-260001", "corrective", "completed", datetime(2026, 11, 10, 10), 120.0),
        (2, "WO-260002", "corrective", "completed", DAY.replace(hour=8), 45.0),
        (3, "WO-260003", "preventive", "completed", datetime(2026, 11, 12, 6), 60.0),
        (4, "WO-260004", "preventive", "open", None, None),
    ]
    for wid, code, kind, status, start, minutes in work_orders:
        s.add(
            MaintenanceWorkOrder(
                id=wid,
                code=code,
                equipment_id=3,
                line_id=2,
                kind=kind,
                status=status,
                priority=2,
                failure_mode_id=1 if kind == "corrective" else None,
                title_en=f"{kind} work on CNC-03",
                title_zh="3号数控加工中心维修" if kind == "corrective" else "3号数控加工中心保养",
                reported_at=start or datetime(2026, 11, 19, 15),
                actual_start=start,
                actual_end=start + timedelta(minutes=minutes) if start and minutes else None,
                repair_minutes=minutes,
            )
        )


def _quality_and_machine_data(s: Session) -> None:
    s.add(
        SpcCharacteristic(
            id=1,
            code="CH-VB25-SEAT",
            name_en="Valve seat bore diameter VB-25",
            name_zh="VB-25阀座孔径",
            aliases="seat bore|阀座孔径",
            product_id=1,
            equipment_id=3,
            unit="mm",
            lsl=9.4,
            target=10.0,
            usl=10.6,
            subgroup_size=1,
        )
    )
    for i, value in enumerate(SPC_VALUES):
        s.add(
            SpcMeasurement(
                characteristic_id=1, subgroup=i + 1, sample=1, value=value, measured_at=DAY.replace(hour=7 + i)
            )
        )
    for did, code, en, zh, disposition in [
        (1, "DF-101", "Dimension out of tolerance", "尺寸超差", "scrap"),
        (2, "DF-102", "Burr", "毛刺", "rework"),
    ]:
        s.add(DefectCode(id=did, code=code, name_en=en, name_zh=zh, severity="minor", disposition=disposition))
    for iid, hour, inspected, passed in [(1, 9, 50, 47), (2, 13, 50, 45)]:
        s.add(
            Inspection(
                id=iid,
                code=f"QI-{iid}",
                inspection_type="in_process",
                product_id=1,
                line_id=2,
                equipment_id=3,
                shift_id=1,
                inspected_at=DAY.replace(hour=hour),
                quantity_inspected=inspected,
                quantity_passed_first=passed,
                quantity_failed=inspected - passed,
                result="fail",
            )
        )
    for inspection, code_id, qty, disposition in [(1, 2, 3, "rework"), (2, 1, 2, "scrap"), (2, 2, 3, "rework")]:
        s.add(
            Defect(
                inspection_id=inspection,
                defect_code_id=code_id,
                equipment_id=3,
                quantity=qty,
                disposition=disposition,
                detected_at=DAY.replace(hour=9 if inspection == 1 else 13),
            )
        )
    s.add(
        SensorTag(
            id=1,
            code="CNC-03.VIB",
            equipment_id=3,
            kind="vibration",
            name_en="Spindle vibration (RMS)",
            name_zh="主轴振动（有效值）",
            unit="mm/s",
            normal_low=0.5,
            normal_high=2.8,
            alarm_high=4.5,
        )
    )
    start = datetime(2026, 11, 18, 6)
    for hour in range(48):
        value = 1.6 if hour % 2 else 1.7
        if hour == VIB_SPIKE_HOUR:
            value = 4.0
        s.add(SensorReading(tag_id=1, ts=start + timedelta(hours=hour), value=value))
    s.add(
        AlarmCode(
            id=1,
            code="E-217",
            equipment_type="cnc",
            severity="fault",
            text_en="Spindle vibration high",
            text_zh="主轴振动过高",
        )
    )
    s.add(
        AlarmCode(
            id=2,
            code="E-205",
            equipment_type="cnc",
            severity="info",
            text_en="Tool life limit reached",
            text_zh="刀具寿命到期",
        )
    )
    for code_id, hour in [(1, 7), (1, 8), (1, 12), (2, 9)]:
        raised = DAY.replace(hour=hour)
        s.add(
            Alarm(
                alarm_code_id=code_id,
                equipment_id=3,
                line_id=2,
                shift_id=1,
                raised_at=raised,
                cleared_at=raised + timedelta(minutes=5),
            )
        )


def _erp(s: Session) -> None:
    for sid, code, en, zh, aliases in [
        (1, "SUP-01", "Suzhou Jinyuan Foundry", "苏州金源铸造", "Jinyuan|金源"),
        (2, "SUP-02", "Ningbo Huaxin Forging", "宁波华鑫锻造", "Huaxin|华鑫"),
    ]:
        s.add(Supplier(id=sid, code=code, name_en=en, name_zh=zh, aliases=aliases))
    for mid, code, en, zh, rop, supplier in [
        (1, "RM-1101", "Valve body forging VB-25", "阀体锻件VB-25", 2400, 2),
        (2, "RM-1201", "Cutting fluid", "切削液", 400, 1),
    ]:
        s.add(
            Material(
                id=mid,
                code=code,
                name_en=en,
                name_zh=zh,
                material_type="raw",
                unit="pcs",
                reorder_point=rop,
                default_supplier_id=supplier,
            )
        )
    s.add(StorageLocation(id=1, code="WH-RM", site_id=1, name_en="Raw material warehouse", name_zh="原材料仓"))
    s.add(InventoryLot(material_id=1, location_id=1, lot="A1", quantity_on_hand=1500, quantity_reserved=300))
    s.add(InventoryLot(material_id=1, location_id=1, lot="A2", quantity_on_hand=600))
    s.add(InventoryLot(material_id=2, location_id=1, lot="C1", quantity_on_hand=900))
    s.add(Bom(id=1, code="BOM-P-2001", product_id=1))
    s.add(BomLine(bom_id=1, line_no=1, material_id=1, quantity_per=1.0, scrap_allowance_pct=1.5))
    s.add(BomLine(bom_id=1, line_no=2, material_id=2, quantity_per=0.03))
    # SUP-01: 3 lines, all on time. SUP-02: 4 received lines, 1 on time, plus one open line already late.
    lines = [  # po, supplier, material, promised, received
        (1, 1, 2, date(2026, 11, 3), date(2026, 11, 3)),
        (1, 1, 2, date(2026, 11, 6), date(2026, 11, 5)),
        (2, 1, 2, date(2026, 11, 10), date(2026, 11, 10)),
        (3, 2, 1, date(2026, 11, 2), date(2026, 11, 2)),
        (3, 2, 1, date(2026, 11, 4), date(2026, 11, 9)),
        (4, 2, 1, date(2026, 11, 8), date(2026, 11, 12)),
        (4, 2, 1, date(2026, 11, 11), date(2026, 11, 13)),
        (5, 2, 1, date(2026, 11, 15), None),
    ]
    for po, supplier in [(1, 1), (2, 1), (3, 2), (4, 2), (5, 2)]:
        status = "open" if po == 5 else "received"
        s.add(
            PurchaseOrder(
                id=po, code=f"PO-26000{po}", supplier_id=supplier, order_date=date(2026, 10, 20), status=status
            )
        )
    for n, (po, _supplier, material, promised, received) in enumerate(lines):
        s.add(
            PurchaseOrderLine(
                purchase_order_id=po,
                line_no=n + 1,
                material_id=material,
                quantity=3000,
                unit_price=31.0,
                promised_date=promised,
                received_date=received,
                received_quantity=3000 if received else 0,
            )
        )
    s.add(Customer(id=1, code="CUS-01", name_en="Hengtai Water Systems", name_zh="恒泰水务"))
    s.add(SalesOrder(id=1, code="SO-260001", customer_id=1, order_date=date(2026, 11, 1), status="delivered"))
    s.add(
        SalesOrderLine(
            id=1,
            sales_order_id=1,
            line_no=1,
            product_id=1,
            quantity=500,
            unit_price=96.0,
            promised_date=date(2026, 11, 18),
        )
    )
    s.add(
        Delivery(
            code="DN-1",
            sales_order_line_id=1,
            shipped_date=date(2026, 11, 16),
            delivered_date=date(2026, 11, 17),
            quantity=300,
        )
    )
    s.add(
        Delivery(
            code="DN-2",
            sales_order_line_id=1,
            shipped_date=date(2026, 11, 18),
            delivered_date=date(2026, 11, 19),
            quantity=200,
        )
    )


def build_tiny_plant() -> Engine:
    """A new in-memory SQLite database holding the tiny plant."""
    engine = memory_engine()
    create_schema(engine)
    with Session(engine) as s:
        _master(s)
        s.flush()
        _production(s)
        _maintenance(s)
        _quality_and_machine_data(s)
        _erp(s)
        s.add(
            PlantMeta(
                id=1,
                site_code="SZ1",
                plant_clock=CLOCK,
                data_start=datetime(2026, 11, 1),
                seed=0,
                scale="tiny",
                generator_version="hand-built",
            )
        )
        s.commit()
    return engine


@pytest.fixture(scope="session")
def tiny_engine() -> Engine:
    """The tiny plant, built once per test session (tests roll back what they write)."""
    return build_tiny_plant()


@pytest.fixture
def tiny_session(tiny_engine: Engine) -> Iterator[Session]:
    """A session on the tiny plant; whatever a test writes is rolled back."""
    with Session(tiny_engine) as session:
        yield session
        session.rollback()


@pytest.fixture
def tiny_ctx(tiny_session: Session) -> ToolContext:
    """An admin on the whole tiny plant at the plant clock."""
    return ToolContext(user="tester", role=Role.ADMIN, session=tiny_session, clock=CLOCK)


@pytest.fixture
def scoped_ctx(tiny_session: Session) -> ToolContext:
    """An operator who may only see line L1 of the tiny plant."""
    return ToolContext(user="op1", role=Role.OPERATOR, session=tiny_session, clock=CLOCK, scopes=frozenset({"L1"}))


@pytest.fixture
def demo_ctx(plant_session: Session) -> ToolContext:
    """An admin on the small demo plant (seed 7) at its plant clock."""
    return ToolContext(user="tester", role=Role.ADMIN, session=plant_session, clock=plant_clock(plant_session))


@pytest.fixture
def run() -> Callable[..., Any]:
    """Call a tool the way the invoker does: validate the arguments, then run it."""

    def call(tool: Tool, ctx: ToolContext, **arguments: Any) -> Any:
        return tool.call(ctx, tool.validate_args(arguments))

    return call
