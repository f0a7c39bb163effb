"""Fixed master data of the demo plant: Donghai Pump & Valve, Suzhou plant (苏州工厂).

Two areas, four lines, sixteen machines, eight products, and the ERP items around them. The
generator (`connectors.demo.generator`) turns this catalog plus a seed into months of
transactional data; these codes and names are stable, documents and tools refer to them.

Lines (who makes what):
- L1 Pump housing machining (泵壳加工线): CNC-01, CNC-02, WSH-01, CMM-01 -> PH-40 / PH-60 housings.
- L2 Valve body machining (阀体加工线): CNC-03, CNC-04, DBR-01, WSH-02, LT-01 -> VB-25 / VB-32 / VB-50.
- L3 Pump assembly (水泵装配线): ROB-01, ASM-01, SCR-01, EOL-01 -> CP-40 / CP-60 pumps.
- L4 Valve kit packing (阀门套件包装线, two shifts, Monday to Friday): PRS-01, LAS-01, PKG-01.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

__all__ = [
    "ALARM_CODES",
    "AREAS",
    "BOMS",
    "CUSTOMERS",
    "DEFECT_CODES",
    "DOWNTIME_REASONS",
    "ENTERPRISE",
    "EQUIPMENT",
    "FAILURE_MODES",
    "LINES",
    "MATERIALS",
    "PRODUCTS",
    "SENSOR_KINDS",
    "SHIFTS",
    "SITE",
    "SPC_CHARACTERISTICS",
    "STORAGE_LOCATIONS",
    "SUPPLIERS",
    "AlarmCodeSpec",
    "AreaSpec",
    "BomSpec",
    "CustomerSpec",
    "DefectCodeSpec",
    "DowntimeReasonSpec",
    "EquipmentSpec",
    "FailureModeSpec",
    "LineSpec",
    "MaterialSpec",
    "NamedSpec",
    "ProductSpec",
    "SensorKindSpec",
    "ShiftSpec",
    "SiteSpec",
    "SpcCharacteristicSpec",
    "StorageLocationSpec",
    "SupplierSpec",
]


@dataclass(frozen=True)
class NamedSpec:
    code: str
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class SiteSpec(NamedSpec):
    timezone: str


@dataclass(frozen=True)
class AreaSpec(NamedSpec):
    pass


@dataclass(frozen=True)
class LineSpec(NamedSpec):
    area: str
    aliases: tuple[str, ...]
    shifts: tuple[str, ...]
    workdays: tuple[int, ...]  # ISO weekday numbers (1 = Monday) on which the line is scheduled
    products: tuple[str, ...]
    crew_size: int


@dataclass(frozen=True)
class EquipmentSpec(NamedSpec):
    line: str
    position: int
    equipment_type: str
    aliases: tuple[str, ...]
    cycle_factor: float  # machine ideal cycle time / the product's; 1.0 for the output station, which paces the line
    manufacturer: str
    installed_year: int
    is_line_output: bool = False


@dataclass(frozen=True)
class ShiftSpec(NamedSpec):
    start: time
    end: time


@dataclass(frozen=True)
class ProductSpec(NamedSpec):
    line: str
    aliases: tuple[str, ...]
    ideal_cycle_time_s: float
    material: str  # ERP finished-good item
    mix_weight: float  # relative share of production orders on its line
    unit_price: float


@dataclass(frozen=True)
class DowntimeReasonSpec(NamedSpec):
    category: str  # ISO 22400 time-model category, see connectors.schema.TIME_MODEL_BUCKET


@dataclass(frozen=True)
class FailureModeSpec(NamedSpec):
    equipment_type: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class AlarmCodeSpec:
    code: str
    equipment_type: str  # "any" when every machine can raise it
    severity: str
    text_en: str
    text_zh: str


@dataclass(frozen=True)
class DefectCodeSpec(NamedSpec):
    severity: str
    disposition: str


@dataclass(frozen=True)
class SpcCharacteristicSpec(NamedSpec):
    product: str
    equipment: str
    aliases: tuple[str, ...]
    unit: str
    lsl: float
    target: float
    usl: float
    subgroup_size: int
    sigma: float  # within-subgroup standard deviation of the process when stable


@dataclass(frozen=True)
class SensorKindSpec:
    """A signal every machine of `equipment_type` carries; the tag code is `<equipment>.<suffix>`."""

    equipment_type: str
    suffix: str
    kind: str
    name_en: str
    name_zh: str
    unit: str
    normal_low: float
    normal_high: float
    alarm_high: float
    mean: float
    noise: float


@dataclass(frozen=True)
class MaterialSpec(NamedSpec):
    material_type: str
    unit: str
    aliases: tuple[str, ...]
    reorder_point: float
    safety_stock: float
    lead_time_days: int
    standard_cost: float
    supplier: str | None
    daily_use: float  # typical consumption per day, drives purchase quantities and stock levels


@dataclass(frozen=True)
class BomSpec:
    product: str
    components: tuple[tuple[str, float, float], ...]  # (material code, quantity per unit, scrap allowance %)


@dataclass(frozen=True)
class StorageLocationSpec(NamedSpec):
    pass


@dataclass(frozen=True)
class SupplierSpec(NamedSpec):
    aliases: tuple[str, ...]
    city: str
    lead_time_days: int
    on_time_rate: float  # probability that a PO line arrives on or before its promised date
    late_days: tuple[int, int]  # range of days late when late


@dataclass(frozen=True)
class CustomerSpec(NamedSpec):
    country: str
    orders_per_week: float


ENTERPRISE = NamedSpec("DHPV", "Donghai Pump & Valve Co., Ltd.", "东海泵阀有限公司")
SITE = SiteSpec("SZ1", "Suzhou Plant", "苏州工厂", timezone="Asia/Shanghai")

AREAS: tuple[AreaSpec, ...] = (
    AreaSpec("MACH", "Machining Hall", "机加工车间"),
    AreaSpec("ASSY", "Assembly Hall", "装配车间"),
)

_ALL_WEEK = (1, 2, 3, 4, 5, 6, 7)
LINES: tuple[LineSpec, ...] = (
    LineSpec(
        "L1",
        "Line 1",
        "1号线",
        area="MACH",
        aliases=("Line 1", "line1", "L-1", "1号线", "一号线", "1线", "Pump housing machining line", "泵壳加工线"),
        shifts=("A", "B", "C"),
        workdays=_ALL_WEEK,
        products=("P-1001", "P-1002"),
        crew_size=4,
    ),
    LineSpec(
        "L2",
        "Line 2",
        "2号线",
        area="MACH",
        aliases=("Line 2", "line2", "L-2", "2号线", "二号线", "2线", "Valve body machining line", "阀体加工线"),
        shifts=("A", "B", "C"),
        workdays=_ALL_WEEK,
        products=("P-2001", "P-2002", "P-2003"),
        crew_size=5,
    ),
    LineSpec(
        "L3",
        "Line 3",
        "3号线",
        area="ASSY",
        aliases=("Line 3", "line3", "L-3", "3号线", "三号线", "3线", "Pump assembly line", "水泵装配线", "装配线"),
        shifts=("A", "B", "C"),
        workdays=(1, 2, 3, 4, 5, 6),
        products=("P-3001", "P-3002"),
        crew_size=6,
    ),
    LineSpec(
        "L4",
        "Line 4",
        "4号线",
        area="ASSY",
        aliases=(
            "Line 4",
            "line4",
            "L-4",
            "4号线",
            "四号线",
            "4线",
            "Valve kit packing line",
            "阀门套件包装线",
            "包装线",
        ),
        shifts=("A", "B"),
        workdays=(1, 2, 3, 4, 5),
        products=("P-4001", "P-4002"),
        crew_size=3,
    ),
)


def _cnc_aliases(n: int) -> tuple[str, ...]:
    zh_digits = "零一二三四五六七八九"
    return (f"CNC {n}", f"CNC{n}", f"CNC-{n}", f"CNC{n:02d}", f"{n}号数控机床", f"{zh_digits[n]}号数控", f"{n}号CNC")


EQUIPMENT: tuple[EquipmentSpec, ...] = (
    # L1 pump housing machining
    EquipmentSpec(
        "CNC-01",
        "CNC machining center 1",
        "1号数控加工中心",
        line="L1",
        position=1,
        equipment_type="cnc",
        aliases=_cnc_aliases(1),
        cycle_factor=0.96,
        manufacturer="DMG MORI",
        installed_year=2018,
    ),
    EquipmentSpec(
        "CNC-02",
        "CNC machining center 2",
        "2号数控加工中心",
        line="L1",
        position=2,
        equipment_type="cnc",
        aliases=_cnc_aliases(2),
        cycle_factor=0.92,
        manufacturer="DMG MORI",
        installed_year=2018,
    ),
    EquipmentSpec(
        "WSH-01",
        "Parts washer 1",
        "1号清洗机",
        line="L1",
        position=3,
        equipment_type="washer",
        aliases=("Washer 1", "washer L1", "1号清洗机", "清洗机1"),
        cycle_factor=0.6,
        manufacturer="Dürr Ecoclean",
        installed_year=2019,
    ),
    EquipmentSpec(
        "CMM-01",
        "Measuring station 1",
        "1号三坐标测量站",
        line="L1",
        position=4,
        equipment_type="tester",
        aliases=("CMM 1", "CMM", "三坐标", "1号测量站"),
        cycle_factor=1.0,
        manufacturer="Zeiss",
        installed_year=2020,
        is_line_output=True,
    ),
    # L2 valve body machining
    EquipmentSpec(
        "CNC-03",
        "CNC machining center 3",
        "3号数控加工中心",
        line="L2",
        position=1,
        equipment_type="cnc",
        aliases=_cnc_aliases(3),
        cycle_factor=0.97,
        manufacturer="Mazak",
        installed_year=2016,
    ),
    EquipmentSpec(
        "CNC-04",
        "CNC machining center 4",
        "4号数控加工中心",
        line="L2",
        position=2,
        equipment_type="cnc",
        aliases=_cnc_aliases(4),
        cycle_factor=0.95,
        manufacturer="Mazak",
        installed_year=2021,
    ),
    EquipmentSpec(
        "DBR-01",
        "Deburring cell 1",
        "1号去毛刺单元",
        line="L2",
        position=3,
        equipment_type="robot",
        aliases=("Deburring robot", "deburr cell", "去毛刺机器人", "去毛刺"),
        cycle_factor=0.7,
        manufacturer="ABB",
        installed_year=2020,
    ),
    EquipmentSpec(
        "WSH-02",
        "Parts washer 2",
        "2号清洗机",
        line="L2",
        position=4,
        equipment_type="washer",
        aliases=("Washer 2", "washer L2", "2号清洗机", "清洗机2"),
        cycle_factor=0.6,
        manufacturer="Dürr Ecoclean",
        installed_year=2019,
    ),
    EquipmentSpec(
        "LT-01",
        "Leak tester 1",
        "1号气密检测机",
        line="L2",
        position=5,
        equipment_type="tester",
        aliases=("Leak tester", "leak test", "气密检测", "试漏机"),
        cycle_factor=1.0,
        manufacturer="ATEQ",
        installed_year=2019,
        is_line_output=True,
    ),
    # L3 pump assembly
    EquipmentSpec(
        "ROB-01",
        "Loading robot 1",
        "1号上料机器人",
        line="L3",
        position=1,
        equipment_type="robot",
        aliases=("Robot 1", "loading robot", "上料机器人", "1号机器人"),
        cycle_factor=0.65,
        manufacturer="FANUC",
        installed_year=2017,
    ),
    EquipmentSpec(
        "ASM-01",
        "Press-fit station 1",
        "1号压装工位",
        line="L3",
        position=2,
        equipment_type="press",
        aliases=("Press-fit station", "press fit", "压装工位", "压装机"),
        cycle_factor=1.0,
        manufacturer="Schmidt",
        installed_year=2017,
    ),
    EquipmentSpec(
        "SCR-01",
        "Screwing station 1",
        "1号拧紧工位",
        line="L3",
        position=3,
        equipment_type="assembly",
        aliases=("Screwing station", "nutrunner", "拧紧工位", "拧紧机"),
        cycle_factor=0.9,
        manufacturer="Atlas Copco",
        installed_year=2017,
    ),
    EquipmentSpec(
        "EOL-01",
        "End-of-line tester 1",
        "1号下线测试台",
        line="L3",
        position=4,
        equipment_type="tester",
        aliases=("EOL tester", "end of line test", "下线测试", "性能测试台"),
        cycle_factor=1.0,
        manufacturer="Andon Test Systems",
        installed_year=2017,
        is_line_output=True,
    ),
    # L4 valve kit packing
    EquipmentSpec(
        "PRS-01",
        "Hydraulic press 1",
        "1号液压机",
        line="L4",
        position=1,
        equipment_type="press",
        aliases=("Press 1", "hydraulic press", "液压机", "1号压机"),
        cycle_factor=1.0,
        manufacturer="Schuler",
        installed_year=2015,
    ),
    EquipmentSpec(
        "LAS-01",
        "Laser marker 1",
        "1号激光打标机",
        line="L4",
        position=2,
        equipment_type="marker",
        aliases=("Laser marker", "marker", "激光打标机", "打标机"),
        cycle_factor=0.5,
        manufacturer="Trumpf",
        installed_year=2020,
    ),
    EquipmentSpec(
        "PKG-01",
        "Packing machine 1",
        "1号包装机",
        line="L4",
        position=3,
        equipment_type="packer",
        aliases=("Packer", "packing machine", "包装机", "1号包装机"),
        cycle_factor=1.0,
        manufacturer="Bosch Packaging",
        installed_year=2019,
        is_line_output=True,
    ),
)

SHIFTS: tuple[ShiftSpec, ...] = (
    ShiftSpec("A", "Morning shift (A)", "早班（A班）", start=time(6), end=time(14)),
    ShiftSpec("B", "Afternoon shift (B)", "中班（B班）", start=time(14), end=time(22)),
    ShiftSpec("C", "Night shift (C)", "夜班（C班）", start=time(22), end=time(6)),
)

PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "P-1001",
        "Pump housing PH-40",
        "泵壳PH-40",
        line="L1",
        aliases=("PH-40", "PH40", "泵壳40"),
        ideal_cycle_time_s=96.0,
        material="FG-1001",
        mix_weight=0.6,
        unit_price=185.0,
    ),
    ProductSpec(
        "P-1002",
        "Pump housing PH-60",
        "泵壳PH-60",
        line="L1",
        aliases=("PH-60", "PH60", "泵壳60"),
        ideal_cycle_time_s=120.0,
        material="FG-1002",
        mix_weight=0.4,
        unit_price=240.0,
    ),
    ProductSpec(
        "P-2001",
        "Valve body VB-25",
        "阀体VB-25",
        line="L2",
        aliases=("VB-25", "VB25", "DN25阀体"),
        ideal_cycle_time_s=72.0,
        material="FG-2001",
        mix_weight=0.5,
        unit_price=96.0,
    ),
    ProductSpec(
        "P-2002",
        "Valve body VB-32",
        "阀体VB-32",
        line="L2",
        aliases=("VB-32", "VB32", "DN32阀体"),
        ideal_cycle_time_s=84.0,
        material="FG-2002",
        mix_weight=0.3,
        unit_price=118.0,
    ),
    ProductSpec(
        "P-2003",
        "Valve body VB-50",
        "阀体VB-50",
        line="L2",
        aliases=("VB-50", "VB50", "DN50阀体"),
        ideal_cycle_time_s=108.0,
        material="FG-2003",
        mix_weight=0.2,
        unit_price=165.0,
    ),
    ProductSpec(
        "P-3001",
        "Centrifugal pump CP-40",
        "离心泵CP-40",
        line="L3",
        aliases=("CP-40", "CP40", "40泵"),
        ideal_cycle_time_s=150.0,
        material="FG-3001",
        mix_weight=0.6,
        unit_price=860.0,
    ),
    ProductSpec(
        "P-3002",
        "Centrifugal pump CP-60",
        "离心泵CP-60",
        line="L3",
        aliases=("CP-60", "CP60", "60泵"),
        ideal_cycle_time_s=180.0,
        material="FG-3002",
        mix_weight=0.4,
        unit_price=1120.0,
    ),
    ProductSpec(
        "P-4001",
        "Valve kit VK-25",
        "阀门套件VK-25",
        line="L4",
        aliases=("VK-25", "VK25", "25套件"),
        ideal_cycle_time_s=45.0,
        material="FG-4001",
        mix_weight=0.6,
        unit_price=260.0,
    ),
    ProductSpec(
        "P-4002",
        "Valve kit VK-32",
        "阀门套件VK-32",
        line="L4",
        aliases=("VK-32", "VK32", "32套件"),
        ideal_cycle_time_s=50.0,
        material="FG-4002",
        mix_weight=0.4,
        unit_price=310.0,
    ),
)

DOWNTIME_REASONS: tuple[DowntimeReasonSpec, ...] = (
    DowntimeReasonSpec("D-101", "Planned maintenance", "计划保养", category="planned_downtime"),
    DowntimeReasonSpec("D-102", "No production scheduled", "无生产计划", category="planned_downtime"),
    DowntimeReasonSpec("D-103", "Team meeting / training", "班组会议/培训", category="planned_downtime"),
    DowntimeReasonSpec("D-201", "Product changeover", "换型", category="setup"),
    DowntimeReasonSpec("D-202", "Tool change", "换刀", category="setup"),
    DowntimeReasonSpec("D-301", "Mechanical breakdown", "机械故障", category="breakdown"),
    DowntimeReasonSpec("D-302", "Electrical fault", "电气故障", category="breakdown"),
    DowntimeReasonSpec("D-303", "Hydraulic failure", "液压故障", category="breakdown"),
    DowntimeReasonSpec("D-401", "Minor stop: part jam", "小停机：卡料", category="minor_stop"),
    DowntimeReasonSpec("D-402", "Minor stop: sensor fault", "小停机：传感器误报", category="minor_stop"),
    DowntimeReasonSpec(
        "D-403", "Minor stop: overload / vibration trip", "小停机：过载/振动停机", category="minor_stop"
    ),
    DowntimeReasonSpec("D-501", "Waiting for material", "待料", category="waiting"),
    DowntimeReasonSpec("D-502", "Waiting for operator", "待人员", category="waiting"),
    DowntimeReasonSpec("D-601", "Quality hold", "质量隔离", category="quality_hold"),
)

FAILURE_MODES: tuple[FailureModeSpec, ...] = (
    FailureModeSpec(
        "FM-SPB",
        "Spindle bearing wear",
        "主轴轴承磨损",
        equipment_type="cnc",
        aliases=("spindle bearing", "主轴轴承", "bearing failure"),
    ),
    FailureModeSpec(
        "FM-ATC", "Tool changer fault", "刀库换刀故障", equipment_type="cnc", aliases=("ATC fault", "刀库故障")
    ),
    FailureModeSpec(
        "FM-CLP", "Coolant pump failure", "冷却泵故障", equipment_type="cnc", aliases=("coolant pump", "冷却泵")
    ),
    FailureModeSpec("FM-HYD", "Hydraulic leak", "液压泄漏", equipment_type="press", aliases=("oil leak", "漏油")),
    FailureModeSpec(
        "FM-SRV", "Servo drive fault", "伺服驱动故障", equipment_type="robot", aliases=("servo fault", "伺服故障")
    ),
    FailureModeSpec(
        "FM-GRP", "Gripper / vacuum cup wear", "夹爪/吸盘磨损", equipment_type="robot", aliases=("gripper", "吸盘")
    ),
    FailureModeSpec("FM-CNV", "Conveyor belt wear", "输送带磨损", equipment_type="any", aliases=("conveyor", "输送带")),
    FailureModeSpec("FM-SNS", "Sensor failure", "传感器失效", equipment_type="any", aliases=("sensor", "传感器")),
    FailureModeSpec(
        "FM-PMP", "Washer pump failure", "清洗泵故障", equipment_type="washer", aliases=("washer pump", "清洗泵")
    ),
    FailureModeSpec(
        "FM-NUT", "Nutrunner spindle fault", "拧紧轴故障", equipment_type="assembly", aliases=("nutrunner", "拧紧轴")
    ),
    FailureModeSpec(
        "FM-LAS", "Laser source degradation", "激光器衰减", equipment_type="marker", aliases=("laser source", "激光器")
    ),
)

ALARM_CODES: tuple[AlarmCodeSpec, ...] = (
    AlarmCodeSpec("E-101", "any", "warning", "Safety door open", "安全门未关闭"),
    AlarmCodeSpec("E-130", "any", "warning", "Part not detected", "工件未检测到"),
    AlarmCodeSpec("E-205", "cnc", "info", "Tool life limit reached", "刀具寿命到期"),
    AlarmCodeSpec("E-217", "cnc", "fault", "Spindle vibration high", "主轴振动过高"),
    AlarmCodeSpec("E-230", "cnc", "warning", "Coolant level low", "冷却液液位低"),
    AlarmCodeSpec("E-342", "robot", "fault", "Gripper vacuum lost", "吸盘真空丢失"),
    AlarmCodeSpec("E-350", "robot", "fault", "Servo overload", "伺服过载"),
    AlarmCodeSpec("E-410", "press", "fault", "Hydraulic pressure low", "液压压力低"),
    AlarmCodeSpec("E-415", "press", "warning", "Press-fit force out of range", "压装力超差"),
    AlarmCodeSpec("E-520", "tester", "warning", "Test result out of tolerance", "测试结果超差"),
    AlarmCodeSpec("E-610", "washer", "warning", "Conveyor jam", "输送线堵料"),
    AlarmCodeSpec("E-612", "washer", "warning", "Bath temperature low", "清洗液温度低"),
    AlarmCodeSpec("E-620", "packer", "warning", "Label roll empty", "标签纸用完"),
    AlarmCodeSpec("E-705", "assembly", "warning", "Torque not reached", "拧紧扭矩未达到"),
    AlarmCodeSpec("E-810", "marker", "warning", "Laser power low", "激光功率偏低"),
)

DEFECT_CODES: tuple[DefectCodeSpec, ...] = (
    DefectCodeSpec("DF-101", "Dimension out of tolerance", "尺寸超差", severity="major", disposition="scrap"),
    DefectCodeSpec("DF-102", "Burr", "毛刺", severity="minor", disposition="rework"),
    DefectCodeSpec("DF-103", "Surface scratch", "表面划伤", severity="minor", disposition="rework"),
    DefectCodeSpec("DF-104", "Porosity in casting", "铸件气孔", severity="major", disposition="scrap"),
    DefectCodeSpec("DF-105", "Leak", "泄漏", severity="critical", disposition="scrap"),
    DefectCodeSpec("DF-106", "Thread damage", "螺纹损伤", severity="major", disposition="rework"),
    DefectCodeSpec("DF-107", "Missing part", "漏装", severity="critical", disposition="rework"),
    DefectCodeSpec("DF-108", "Wrong label / marking", "标识错误", severity="minor", disposition="rework"),
    DefectCodeSpec("DF-109", "Torque out of range", "扭矩超差", severity="major", disposition="rework"),
)

SPC_CHARACTERISTICS: tuple[SpcCharacteristicSpec, ...] = (
    SpcCharacteristicSpec(
        "CH-PH40-BORE",
        "Bearing bore diameter PH-40",
        "PH-40轴承孔直径",
        product="P-1001",
        equipment="CNC-01",
        aliases=("PH-40 bore", "轴承孔"),
        unit="mm",
        lsl=41.975,
        target=42.000,
        usl=42.025,
        subgroup_size=5,
        sigma=0.0045,
    ),
    SpcCharacteristicSpec(
        "CH-PH60-BORE",
        "Bearing bore diameter PH-60",
        "PH-60轴承孔直径",
        product="P-1002",
        equipment="CNC-02",
        aliases=("PH-60 bore",),
        unit="mm",
        lsl=61.970,
        target=62.000,
        usl=62.030,
        subgroup_size=5,
        sigma=0.0050,
    ),
    SpcCharacteristicSpec(
        "CH-VB25-SEAT",
        "Valve seat bore diameter VB-25",
        "VB-25阀座孔径",
        product="P-2001",
        equipment="CNC-04",
        aliases=("VB-25 seat bore", "阀座孔径", "seat bore"),
        unit="mm",
        lsl=24.980,
        target=25.000,
        usl=25.020,
        subgroup_size=5,
        sigma=0.0032,
    ),
    SpcCharacteristicSpec(
        "CH-VB32-SEAT",
        "Valve seat bore diameter VB-32",
        "VB-32阀座孔径",
        product="P-2002",
        equipment="CNC-04",
        aliases=("VB-32 seat bore",),
        unit="mm",
        lsl=31.980,
        target=32.000,
        usl=32.020,
        subgroup_size=5,
        sigma=0.0034,
    ),
    SpcCharacteristicSpec(
        "CH-CP40-FORCE",
        "Bearing press-fit force CP-40",
        "CP-40轴承压装力",
        product="P-3001",
        equipment="ASM-01",
        aliases=("press-fit force", "压装力"),
        unit="kN",
        lsl=8.0,
        target=10.0,
        usl=12.0,
        subgroup_size=5,
        sigma=0.42,
    ),
    SpcCharacteristicSpec(
        "CH-CP40-TORQ",
        "Housing screw torque CP-40",
        "CP-40壳体螺钉扭矩",
        product="P-3001",
        equipment="SCR-01",
        aliases=("screw torque", "拧紧扭矩"),
        unit="N·m",
        lsl=10.5,
        target=12.0,
        usl=13.5,
        subgroup_size=5,
        sigma=0.30,
    ),
    SpcCharacteristicSpec(
        "CH-VK25-WGT",
        "Kit weight VK-25",
        "VK-25套件重量",
        product="P-4001",
        equipment="PKG-01",
        aliases=("kit weight", "套件重量"),
        unit="g",
        lsl=1480.0,
        target=1500.0,
        usl=1520.0,
        subgroup_size=3,
        sigma=3.2,
    ),
)

SENSOR_KINDS: tuple[SensorKindSpec, ...] = (
    SensorKindSpec(
        "cnc",
        "VIB",
        "vibration",
        "Spindle vibration (RMS)",
        "主轴振动（有效值）",
        "mm/s",
        normal_low=0.5,
        normal_high=2.8,
        alarm_high=4.5,
        mean=1.6,
        noise=0.18,
    ),
    SensorKindSpec(
        "cnc",
        "TEMP",
        "temperature",
        "Spindle temperature",
        "主轴温度",
        "°C",
        normal_low=28.0,
        normal_high=55.0,
        alarm_high=70.0,
        mean=41.0,
        noise=1.6,
    ),
    SensorKindSpec(
        "robot",
        "CURR",
        "current",
        "Axis 2 motor current",
        "2轴电机电流",
        "A",
        normal_low=2.0,
        normal_high=9.0,
        alarm_high=12.0,
        mean=5.5,
        noise=0.35,
    ),
    SensorKindSpec(
        "press",
        "PRES",
        "pressure",
        "Hydraulic pressure",
        "液压压力",
        "bar",
        normal_low=180.0,
        normal_high=215.0,
        alarm_high=230.0,
        mean=198.0,
        noise=2.5,
    ),
    SensorKindSpec(
        "press",
        "TEMP",
        "temperature",
        "Hydraulic oil temperature",
        "液压油温度",
        "°C",
        normal_low=30.0,
        normal_high=55.0,
        alarm_high=65.0,
        mean=43.0,
        noise=1.4,
    ),
    SensorKindSpec(
        "washer",
        "TEMP",
        "temperature",
        "Bath temperature",
        "清洗液温度",
        "°C",
        normal_low=55.0,
        normal_high=65.0,
        alarm_high=72.0,
        mean=60.0,
        noise=0.8,
    ),
    SensorKindSpec(
        "tester",
        "PRES",
        "pressure",
        "Test pressure",
        "测试压力",
        "bar",
        normal_low=5.8,
        normal_high=6.2,
        alarm_high=6.5,
        mean=6.0,
        noise=0.04,
    ),
    SensorKindSpec(
        "assembly",
        "TORQ",
        "torque",
        "Nutrunner torque (mean)",
        "拧紧轴扭矩（均值）",
        "N·m",
        normal_low=11.0,
        normal_high=13.0,
        alarm_high=14.0,
        mean=12.0,
        noise=0.12,
    ),
    SensorKindSpec(
        "marker",
        "POWR",
        "power",
        "Laser power",
        "激光功率",
        "W",
        normal_low=18.0,
        normal_high=22.0,
        alarm_high=24.0,
        mean=20.0,
        noise=0.3,
    ),
    SensorKindSpec(
        "packer",
        "CURR",
        "current",
        "Drive current",
        "驱动电流",
        "A",
        normal_low=1.0,
        normal_high=4.0,
        alarm_high=5.5,
        mean=2.5,
        noise=0.15,
    ),
)

SUPPLIERS: tuple[SupplierSpec, ...] = (
    SupplierSpec(
        "SUP-01",
        "Suzhou Jinyuan Foundry",
        "苏州金源铸造",
        aliases=("Jinyuan", "金源"),
        city="Suzhou",
        lead_time_days=10,
        on_time_rate=0.93,
        late_days=(1, 3),
    ),
    SupplierSpec(
        "SUP-02",
        "Ningbo Huaxin Forging",
        "宁波华鑫锻造",
        aliases=("Huaxin", "华鑫", "华鑫锻造"),
        city="Ningbo",
        lead_time_days=14,
        on_time_rate=0.45,
        late_days=(2, 9),
    ),
    SupplierSpec(
        "SUP-03",
        "Wuxi Precision Bearing",
        "无锡精密轴承",
        aliases=("Wuxi Bearing", "无锡轴承"),
        city="Wuxi",
        lead_time_days=7,
        on_time_rate=0.95,
        late_days=(1, 2),
    ),
    SupplierSpec(
        "SUP-04",
        "Shanghai Sealtech",
        "上海密封科技",
        aliases=("Sealtech", "密封科技"),
        city="Shanghai",
        lead_time_days=7,
        on_time_rate=0.90,
        late_days=(1, 3),
    ),
    SupplierSpec(
        "SUP-05",
        "Kunshan Fasteners",
        "昆山紧固件",
        aliases=("Kunshan", "昆山紧固件厂"),
        city="Kunshan",
        lead_time_days=5,
        on_time_rate=0.96,
        late_days=(1, 2),
    ),
    SupplierSpec(
        "SUP-06",
        "Hangzhou Greenpack",
        "杭州绿包包装",
        aliases=("Greenpack", "绿包"),
        city="Hangzhou",
        lead_time_days=6,
        on_time_rate=0.91,
        late_days=(1, 4),
    ),
    SupplierSpec(
        "SUP-07",
        "Jiangsu Industrial Supply",
        "江苏工业品供应",
        aliases=("JIS", "工业品供应"),
        city="Nanjing",
        lead_time_days=4,
        on_time_rate=0.94,
        late_days=(1, 2),
    ),
)

MATERIALS: tuple[MaterialSpec, ...] = (
    # raw materials (one blank per machined part)
    MaterialSpec(
        "RM-1001",
        "Pump housing casting PH-40",
        "泵壳铸件PH-40",
        "raw",
        "pcs",
        ("PH-40 casting", "泵壳毛坯40"),
        reorder_point=1200,
        safety_stock=600,
        lead_time_days=10,
        standard_cost=62.0,
        supplier="SUP-01",
        daily_use=520,
    ),
    MaterialSpec(
        "RM-1002",
        "Pump housing casting PH-60",
        "泵壳铸件PH-60",
        "raw",
        "pcs",
        ("PH-60 casting", "泵壳毛坯60"),
        reorder_point=900,
        safety_stock=450,
        lead_time_days=10,
        standard_cost=84.0,
        supplier="SUP-01",
        daily_use=280,
    ),
    MaterialSpec(
        "RM-1101",
        "Valve body forging VB-25",
        "阀体锻件VB-25",
        "raw",
        "pcs",
        ("VB-25 forging", "VB-25毛坯"),
        reorder_point=2400,
        safety_stock=1200,
        lead_time_days=14,
        standard_cost=31.0,
        supplier="SUP-02",
        daily_use=520,
    ),
    MaterialSpec(
        "RM-1102",
        "Valve body forging VB-32",
        "阀体锻件VB-32",
        "raw",
        "pcs",
        ("VB-32 forging", "VB-32毛坯"),
        reorder_point=1500,
        safety_stock=700,
        lead_time_days=14,
        standard_cost=39.0,
        supplier="SUP-02",
        daily_use=300,
    ),
    MaterialSpec(
        "RM-1103",
        "Valve body forging VB-50",
        "阀体锻件VB-50",
        "raw",
        "pcs",
        ("VB-50 forging", "VB-50毛坯"),
        reorder_point=800,
        safety_stock=400,
        lead_time_days=14,
        standard_cost=58.0,
        supplier="SUP-02",
        daily_use=160,
    ),
    MaterialSpec(
        "RM-1201",
        "Cutting fluid",
        "切削液",
        "raw",
        "L",
        ("coolant", "乳化液"),
        reorder_point=400,
        safety_stock=200,
        lead_time_days=4,
        standard_cost=9.5,
        supplier="SUP-07",
        daily_use=60,
    ),
    # purchased components
    MaterialSpec(
        "CP-2001",
        "Impeller 40/60",
        "叶轮",
        "component",
        "pcs",
        ("impeller", "叶轮"),
        reorder_point=500,
        safety_stock=250,
        lead_time_days=10,
        standard_cost=48.0,
        supplier="SUP-01",
        daily_use=460,
    ),
    MaterialSpec(
        "CP-2002",
        "Mechanical seal",
        "机械密封",
        "component",
        "pcs",
        ("seal", "机封"),
        reorder_point=600,
        safety_stock=300,
        lead_time_days=7,
        standard_cost=36.0,
        supplier="SUP-04",
        daily_use=460,
    ),
    MaterialSpec(
        "CP-2003",
        "Ball bearing 6204",
        "深沟球轴承6204",
        "component",
        "pcs",
        ("bearing 6204", "6204轴承"),
        reorder_point=1200,
        safety_stock=600,
        lead_time_days=7,
        standard_cost=8.2,
        supplier="SUP-03",
        daily_use=920,
    ),
    MaterialSpec(
        "CP-2004",
        "Screw M6x20",
        "螺钉M6x20",
        "component",
        "pcs",
        ("M6 screw", "M6螺钉"),
        reorder_point=6000,
        safety_stock=3000,
        lead_time_days=5,
        standard_cost=0.12,
        supplier="SUP-05",
        daily_use=2800,
    ),
    MaterialSpec(
        "CP-2005",
        "O-ring 30x2.5",
        "O形圈30x2.5",
        "component",
        "pcs",
        ("O-ring", "O型圈", "密封圈"),
        reorder_point=5000,
        safety_stock=2500,
        lead_time_days=7,
        standard_cost=0.35,
        supplier="SUP-04",
        daily_use=3600,
    ),
    # packaging
    MaterialSpec(
        "PK-3001",
        "Carton 400x300",
        "纸箱400x300",
        "packaging",
        "pcs",
        ("carton", "纸箱"),
        reorder_point=800,
        safety_stock=400,
        lead_time_days=6,
        standard_cost=2.1,
        supplier="SUP-06",
        daily_use=700,
    ),
    MaterialSpec(
        "PK-3002",
        "Foam insert",
        "泡沫内衬",
        "packaging",
        "pcs",
        ("foam", "泡棉"),
        reorder_point=800,
        safety_stock=400,
        lead_time_days=6,
        standard_cost=0.9,
        supplier="SUP-06",
        daily_use=700,
    ),
    MaterialSpec(
        "PK-3003",
        "Product label",
        "产品标签",
        "packaging",
        "pcs",
        ("label", "标签"),
        reorder_point=1500,
        safety_stock=800,
        lead_time_days=6,
        standard_cost=0.05,
        supplier="SUP-06",
        daily_use=1300,
    ),
    # finished goods (made here; one per product)
    MaterialSpec(
        "FG-1001",
        "Pump housing PH-40 (finished)",
        "泵壳PH-40（成品）",
        "finished",
        "pcs",
        ("PH-40",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=120.0,
        supplier=None,
        daily_use=0,
    ),
    MaterialSpec(
        "FG-1002",
        "Pump housing PH-60 (finished)",
        "泵壳PH-60（成品）",
        "finished",
        "pcs",
        ("PH-60",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=160.0,
        supplier=None,
        daily_use=0,
    ),
    MaterialSpec(
        "FG-2001",
        "Valve body VB-25 (finished)",
        "阀体VB-25（成品）",
        "finished",
        "pcs",
        ("VB-25",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=60.0,
        supplier=None,
        daily_use=0,
    ),
    MaterialSpec(
        "FG-2002",
        "Valve body VB-32 (finished)",
        "阀体VB-32（成品）",
        "finished",
        "pcs",
        ("VB-32",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=74.0,
        supplier=None,
        daily_use=0,
    ),
    MaterialSpec(
        "FG-2003",
        "Valve body VB-50 (finished)",
        "阀体VB-50（成品）",
        "finished",
        "pcs",
        ("VB-50",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=105.0,
        supplier=None,
        daily_use=0,
    ),
    MaterialSpec(
        "FG-3001",
        "Centrifugal pump CP-40 (finished)",
        "离心泵CP-40（成品）",
        "finished",
        "pcs",
        ("CP-40",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=560.0,
        supplier=None,
        daily_use=0,
    ),
    MaterialSpec(
        "FG-3002",
        "Centrifugal pump CP-60 (finished)",
        "离心泵CP-60（成品）",
        "finished",
        "pcs",
        ("CP-60",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=730.0,
        supplier=None,
        daily_use=0,
    ),
    MaterialSpec(
        "FG-4001",
        "Valve kit VK-25 (finished)",
        "阀门套件VK-25（成品）",
        "finished",
        "pcs",
        ("VK-25",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=170.0,
        supplier=None,
        daily_use=0,
    ),
    MaterialSpec(
        "FG-4002",
        "Valve kit VK-32 (finished)",
        "阀门套件VK-32（成品）",
        "finished",
        "pcs",
        ("VK-32",),
        reorder_point=0,
        safety_stock=0,
        lead_time_days=0,
        standard_cost=205.0,
        supplier=None,
        daily_use=0,
    ),
)

BOMS: tuple[BomSpec, ...] = (
    BomSpec("P-1001", (("RM-1001", 1.0, 2.0), ("RM-1201", 0.05, 0.0))),
    BomSpec("P-1002", (("RM-1002", 1.0, 2.0), ("RM-1201", 0.07, 0.0))),
    BomSpec("P-2001", (("RM-1101", 1.0, 1.5), ("RM-1201", 0.03, 0.0))),
    BomSpec("P-2002", (("RM-1102", 1.0, 1.5), ("RM-1201", 0.03, 0.0))),
    BomSpec("P-2003", (("RM-1103", 1.0, 1.5), ("RM-1201", 0.04, 0.0))),
    BomSpec(
        "P-3001",
        (
            ("FG-1001", 1.0, 0.5),
            ("CP-2001", 1.0, 0.5),
            ("CP-2002", 1.0, 1.0),
            ("CP-2003", 2.0, 0.5),
            ("CP-2004", 6.0, 2.0),
            ("CP-2005", 2.0, 3.0),
        ),
    ),
    BomSpec(
        "P-3002",
        (
            ("FG-1002", 1.0, 0.5),
            ("CP-2001", 1.0, 0.5),
            ("CP-2002", 1.0, 1.0),
            ("CP-2003", 2.0, 0.5),
            ("CP-2004", 8.0, 2.0),
            ("CP-2005", 2.0, 3.0),
        ),
    ),
    BomSpec(
        "P-4001",
        (
            ("FG-2001", 2.0, 0.0),
            ("CP-2005", 4.0, 3.0),
            ("PK-3001", 1.0, 1.0),
            ("PK-3002", 1.0, 1.0),
            ("PK-3003", 2.0, 2.0),
        ),
    ),
    BomSpec(
        "P-4002",
        (
            ("FG-2002", 2.0, 0.0),
            ("CP-2005", 4.0, 3.0),
            ("PK-3001", 1.0, 1.0),
            ("PK-3002", 1.0, 1.0),
            ("PK-3003", 2.0, 2.0),
        ),
    ),
)

STORAGE_LOCATIONS: tuple[StorageLocationSpec, ...] = (
    StorageLocationSpec("WH-RM", "Raw material warehouse", "原材料仓"),
    StorageLocationSpec("WH-CP", "Component warehouse", "零部件仓"),
    StorageLocationSpec("WH-PK", "Packaging store", "包材仓"),
    StorageLocationSpec("WH-FG", "Finished goods warehouse", "成品仓"),
    StorageLocationSpec("L1-SUP", "Line 1 line-side store", "1号线线边库"),
    StorageLocationSpec("L2-SUP", "Line 2 line-side store", "2号线线边库"),
    StorageLocationSpec("L3-SUP", "Line 3 line-side store", "3号线线边库"),
    StorageLocationSpec("L4-SUP", "Line 4 line-side store", "4号线线边库"),
)

CUSTOMERS: tuple[CustomerSpec, ...] = (
    CustomerSpec("CUS-01", "Hengtai Water Systems", "恒泰水务", country="CN", orders_per_week=3.0),
    CustomerSpec("CUS-02", "Blue River HVAC", "蓝河暖通", country="CN", orders_per_week=2.0),
    CustomerSpec("CUS-03", "Northstar Irrigation", "北辰灌溉", country="CN", orders_per_week=1.5),
    CustomerSpec("CUS-04", "Kaiyuan Valve Trading", "开元阀门贸易", country="CN", orders_per_week=2.5),
    CustomerSpec("CUS-05", "Pacific Fluid Controls", "太平洋流体控制", country="SG", orders_per_week=1.0),
    CustomerSpec("CUS-06", "Rheinau Pumpen GmbH", "莱瑙泵业", country="DE", orders_per_week=0.8),
)
