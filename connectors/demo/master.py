"""Writes the catalog's master data (and, at large scale, copies of the four lines)."""

from __future__ import annotations

from dataclasses import replace

from connectors.demo import catalog as cat
from connectors.demo.context import LinePlan, MachinePlan, SeedContext
from connectors.schema import (
    AlarmCode,
    Area,
    Bom,
    BomLine,
    Customer,
    DefectCode,
    DowntimeReason,
    Enterprise,
    Equipment,
    FailureMode,
    Line,
    Material,
    Product,
    SensorTag,
    Shift,
    Site,
    SpcCharacteristic,
    StorageLocation,
    Supplier,
)

__all__ = ["write_master_data"]


def _aliases(values: tuple[str, ...]) -> str:
    return "|".join(values)


def _organisation(ctx: SeedContext) -> None:
    ids = ctx.ids
    ids["enterprise"][cat.ENTERPRISE.code] = ctx.writer(Enterprise).add(
        code=cat.ENTERPRISE.code, name_en=cat.ENTERPRISE.name_en, name_zh=cat.ENTERPRISE.name_zh
    )
    ids["site"][cat.SITE.code] = ctx.writer(Site).add(
        code=cat.SITE.code,
        enterprise_id=ids["enterprise"][cat.ENTERPRISE.code],
        name_en=cat.SITE.name_en,
        name_zh=cat.SITE.name_zh,
        timezone=cat.SITE.timezone,
    )
    site_id = ids["site"][cat.SITE.code]
    areas = [(a.code, a.name_en, a.name_zh) for a in cat.AREAS]
    areas += [(f"HALL-{c:02d}", f"Expansion hall {c}", f"扩建车间{c}") for c in range(1, ctx.scale.line_copies + 1)]
    for code, name_en, name_zh in areas:
        ids["area"][code] = ctx.writer(Area).add(code=code, site_id=site_id, name_en=name_en, name_zh=name_zh)
    for shift in cat.SHIFTS:
        ids["shift"][shift.code] = ctx.writer(Shift).add(
            code=shift.code, name_en=shift.name_en, name_zh=shift.name_zh, start_time=shift.start, end_time=shift.end
        )
    ctx.flush(Enterprise, Site, Area, Shift)


def _line_copies(ctx: SeedContext) -> list[tuple[cat.LineSpec, str, tuple[cat.EquipmentSpec, ...], bool]]:
    """The catalog lines, then (large scale) copies L5, L6, ... with machines named after their line."""
    plans = [(line, line.area, tuple(e for e in cat.EQUIPMENT if e.line == line.code), True) for line in cat.LINES]
    number = len(cat.LINES)
    for copy in range(1, ctx.scale.line_copies + 1):
        for line in cat.LINES:
            number += 1
            code = f"L{number}"
            spec = replace(
                line,
                code=code,
                name_en=f"Line {number}",
                name_zh=f"{number}号线",
                aliases=(f"Line {number}", f"line{number}", f"{number}号线"),
            )
            machines = tuple(
                replace(
                    e,
                    code=f"{code}-{e.code}",
                    line=code,
                    name_en=f"{e.name_en} ({code})",
                    name_zh=f"{e.name_zh}（{code}）",
                    aliases=(),
                )
                for e in cat.EQUIPMENT
                if e.line == line.code
            )
            plans.append((spec, f"HALL-{copy:02d}", machines, False))
    return plans


def _lines(ctx: SeedContext) -> None:
    stream = 0
    for line_no, (spec, area, machines, is_core) in enumerate(_line_copies(ctx)):
        line_id = ctx.writer(Line).add(
            code=spec.code,
            area_id=ctx.ids["area"][area],
            name_en=spec.name_en,
            name_zh=spec.name_zh,
            aliases=_aliases(spec.aliases),
        )
        ctx.ids["line"][spec.code] = line_id
        plans = []
        for machine in machines:
            stream += 1
            machine_id = ctx.writer(Equipment).add(
                code=machine.code,
                line_id=line_id,
                position=machine.position,
                equipment_type=machine.equipment_type,
                name_en=machine.name_en,
                name_zh=machine.name_zh,
                aliases=_aliases(machine.aliases),
                is_line_output=machine.is_line_output,
                manufacturer=machine.manufacturer,
                installed_year=machine.installed_year,
            )
            ctx.ids["equipment"][machine.code] = machine_id
            plans.append(MachinePlan(machine, machine_id, machine.code, stream, is_core))
        ctx.lines.append(LinePlan(spec, line_id, spec.code, line_no + 1, tuple(plans), is_core))
    ctx.flush(Line, Equipment)


def _erp_master(ctx: SeedContext) -> None:
    ids = ctx.ids
    for s in cat.SUPPLIERS:
        ids["supplier"][s.code] = ctx.writer(Supplier).add(
            code=s.code,
            name_en=s.name_en,
            name_zh=s.name_zh,
            aliases=_aliases(s.aliases),
            country="CN",
            city=s.city,
            lead_time_days=s.lead_time_days,
        )
    ctx.flush(Supplier)
    for m in cat.MATERIALS:
        ids["material"][m.code] = ctx.writer(Material).add(
            code=m.code,
            name_en=m.name_en,
            name_zh=m.name_zh,
            aliases=_aliases(m.aliases),
            material_type=m.material_type,
            unit=m.unit,
            reorder_point=m.reorder_point,
            safety_stock=m.safety_stock,
            lead_time_days=m.lead_time_days,
            standard_cost=m.standard_cost,
            default_supplier_id=ids["supplier"][m.supplier] if m.supplier else None,
        )
    ctx.flush(Material)
    for p in cat.PRODUCTS:
        ids["product"][p.code] = ctx.writer(Product).add(
            code=p.code,
            name_en=p.name_en,
            name_zh=p.name_zh,
            aliases=_aliases(p.aliases),
            material_id=ids["material"][p.material],
            default_line_id=ids["line"][p.line],
            ideal_cycle_time_s=p.ideal_cycle_time_s,
            unit="pcs",
        )
    ctx.flush(Product)
    for loc in cat.STORAGE_LOCATIONS:
        ids["location"][loc.code] = ctx.writer(StorageLocation).add(
            code=loc.code, site_id=ids["site"][cat.SITE.code], name_en=loc.name_en, name_zh=loc.name_zh
        )
    for bom in cat.BOMS:
        bom_id = ctx.writer(Bom).add(code=f"BOM-{bom.product}", product_id=ids["product"][bom.product], version="A")
        ctx.flush(Bom)
        for line_no, (material, quantity, allowance) in enumerate(bom.components, start=1):
            ctx.writer(BomLine).add(
                bom_id=bom_id,
                line_no=line_no * 10,
                material_id=ids["material"][material],
                quantity_per=quantity,
                scrap_allowance_pct=allowance,
            )
    for c in cat.CUSTOMERS:
        ids["customer"][c.code] = ctx.writer(Customer).add(
            code=c.code, name_en=c.name_en, name_zh=c.name_zh, country=c.country
        )
    ctx.flush(StorageLocation, BomLine, Customer)


def _codes(ctx: SeedContext) -> None:
    ids = ctx.ids
    for r in cat.DOWNTIME_REASONS:
        ids["reason"][r.code] = ctx.writer(DowntimeReason).add(
            code=r.code,
            category=r.category,
            planned=r.category == "planned_downtime",
            name_en=r.name_en,
            name_zh=r.name_zh,
        )
    for f in cat.FAILURE_MODES:
        ids["failure_mode"][f.code] = ctx.writer(FailureMode).add(
            code=f.code,
            equipment_type=f.equipment_type,
            name_en=f.name_en,
            name_zh=f.name_zh,
            aliases=_aliases(f.aliases),
        )
    for a in cat.ALARM_CODES:
        ids["alarm_code"][a.code] = ctx.writer(AlarmCode).add(
            code=a.code, equipment_type=a.equipment_type, severity=a.severity, text_en=a.text_en, text_zh=a.text_zh
        )
    for d in cat.DEFECT_CODES:
        ids["defect_code"][d.code] = ctx.writer(DefectCode).add(
            code=d.code, name_en=d.name_en, name_zh=d.name_zh, severity=d.severity, disposition=d.disposition
        )
    for ch in cat.SPC_CHARACTERISTICS:
        ids["characteristic"][ch.code] = ctx.writer(SpcCharacteristic).add(
            code=ch.code,
            name_en=ch.name_en,
            name_zh=ch.name_zh,
            aliases=_aliases(ch.aliases),
            product_id=ids["product"][ch.product],
            equipment_id=ids["equipment"][ch.equipment],
            unit=ch.unit,
            lsl=ch.lsl,
            target=ch.target,
            usl=ch.usl,
            subgroup_size=ch.subgroup_size,
        )
    for machine in (m for line in ctx.lines if line.is_core for m in line.machines):
        for kind in cat.SENSOR_KINDS:
            if kind.equipment_type != machine.spec.equipment_type:
                continue
            code = f"{machine.code}.{kind.suffix}"
            ids["tag"][code] = ctx.writer(SensorTag).add(
                code=code,
                equipment_id=machine.id,
                kind=kind.kind,
                name_en=f"{machine.code} {kind.name_en}",
                name_zh=f"{machine.spec.name_zh}{kind.name_zh}",
                unit=kind.unit,
                normal_low=kind.normal_low,
                normal_high=kind.normal_high,
                alarm_high=kind.alarm_high,
            )
    ctx.flush(DowntimeReason, FailureMode, AlarmCode, DefectCode, SpcCharacteristic, SensorTag)


def write_master_data(ctx: SeedContext) -> None:
    """Organisation, lines and machines, ERP items, and every code table."""
    _organisation(ctx)
    _lines(ctx)
    _erp_master(ctx)
    _codes(ctx)
