"""SPC tool: capability (Cp, Cpk, Pp, Ppk) and Western Electric rule violations of a quality characteristic."""

from __future__ import annotations

import math
from datetime import datetime

from pydantic import Field
from sqlalchemy import select

from connectors.schema import SpcCharacteristic, SpcMeasurement
from tools.builtin.common import Part, period_of, provenance, r, scope_of
from tools.contract import ToolContext, ToolResult, tool
from tools.kpi import capability, western_electric
from tools.queries import columns, within
from tools.resolvers import resolve_entity

__all__ = ["RulePoint", "RuleViolationRow", "SPCResult", "spc_analysis"]

MEAS = columns(SpcMeasurement)
MAX_CHART_POINTS = 200
MAX_POINTS_PER_RULE = 20


class RulePoint(Part):
    """A chart point that breaks a rule: subgroup number, time and plotted value (subgroup mean or individual)."""

    subgroup: int
    at: datetime
    value: float


class RuleViolationRow(Part):
    """One broken Western Electric rule with how many points break it and the latest ones."""

    rule: int
    description: str
    count: int
    points: list[RulePoint]


class SPCResult(ToolResult):
    """Capability and control-chart rules of one characteristic over a period."""

    characteristic: str
    name_en: str
    name_zh: str
    lsl: float
    target: float
    usl: float
    subgroup_size: int
    subgroups: int
    values: int
    mean: float | None
    sigma_within: float | None = Field(description="R-bar/d2 (subgroups) or moving range/d2 (individuals).")
    sigma_overall: float | None = Field(description="Sample standard deviation of all values.")
    sigma_method: str
    cp: float | None = Field(description="(USL - LSL) / 6 sigma_within")
    cpk: float | None = Field(description="min(USL - mean, mean - LSL) / 3 sigma_within")
    pp: float | None = Field(description="(USL - LSL) / 6 sigma_overall")
    ppk: float | None = Field(description="min(USL - mean, mean - LSL) / 3 sigma_overall")
    out_of_spec: int = Field(description="Values outside [LSL, USL].")
    chart: str = Field(description="What the rules were checked on.")
    violations: list[RuleViolationRow]
    center_line: float | None = Field(None, description="Centre line of the chart (mean of the plotted points).")
    ucl: float | None = Field(None, description="Upper control limit: centre line + 3 sigma of the plotted points.")
    lcl: float | None = Field(None, description="Lower control limit: centre line - 3 sigma of the plotted points.")
    points: list[RulePoint] = Field(
        default_factory=list, description="The plotted points (subgroup means or individuals), the latest ones."
    )


@tool(
    domain="quality",
    description_zh="质量特性的SPC分析：均值、标准差、Cp/Cpk/Pp/Ppk 和西电规则（判异准则）违例点",
    examples=[
        "SPC for the VB-25 seat bore over the last 30 days",
        "What is the Cpk of CH-VB25-SEAT last week?",
        "Is the press-fit force process capable this month?",
        "Any control chart rule violations on the PH-40 bore yesterday?",
        "VB-25阀座孔径最近30天的SPC分析",
        "CH-VB25-SEAT上周的Cpk是多少？",
        "本月压装力的过程能力怎么样？",
        "PH-40轴承孔昨天有没有判异？",
    ],
    sample_args={"characteristic": "CH-VB25-SEAT", "period": "past 30 days"},
    metrics={"cpk": "cpk", "cp": "cp", "ppk": "ppk", "pp": "pp"},
)
def spc_analysis(ctx: ToolContext, characteristic: str, period: str = "past 30 days") -> SPCResult:
    """SPC of a quality characteristic: mean, within and overall sigma, Cp, Cpk, Pp, Ppk, values out of spec, and
    Western Electric rules 1-4 on the X-bar chart (subgroups) or the individuals chart.

    Args:
        characteristic: Characteristic code, name or alias, e.g. "CH-VB25-SEAT", "VB-25 seat bore", "阀座孔径".
        period: Time expression, e.g. "past 30 days", "last week", "本月".
    """
    entity = resolve_entity(ctx, "characteristic", characteristic)
    spec = ctx.session.get(SpcCharacteristic, entity.id)
    assert spec is not None  # resolved a moment ago
    span = period_of(ctx, period)
    rows = ctx.session.execute(
        select(MEAS.subgroup, MEAS.measured_at, MEAS.value)
        .where(MEAS.characteristic_id == entity.id, within(MEAS.measured_at, span))
        .order_by(MEAS.subgroup, MEAS.sample)
    ).all()
    groups: dict[int, list[tuple[datetime, float]]] = {}
    for subgroup, at, value in rows:
        groups.setdefault(subgroup, []).append((at, float(value)))
    size = max(spec.subgroup_size, 1)
    # Only complete subgroups enter R-bar; an incomplete one would bias the range low.
    complete = {k: v for k, v in groups.items() if len(v) == size}
    values = [value for group in complete.values() for _, value in group]
    lsl, usl = spec.lsl, spec.usl
    out_of_spec = sum(1 for _, _, value in rows if value < lsl or value > usl)
    base = {
        "unit": spec.unit,
        "period": span,
        "scope": {**scope_of(entity), **({"line": entity.line_code} if entity.line_code else {})},
        "provenance": provenance(["spc_measurement", "spc_characteristic"], len(rows), span, characteristic=spec.code),
        "characteristic": spec.code,
        "name_en": spec.name_en,
        "name_zh": spec.name_zh,
        "lsl": spec.lsl,
        "target": spec.target,
        "usl": spec.usl,
        "subgroup_size": size,
        "subgroups": len(complete),
        "values": len(values),
        "out_of_spec": out_of_spec,
    }
    if len(values) < 2:
        return SPCResult(
            summary=f"Not enough measurements of {spec.code} for {span.label} ({len(values)})",
            data_unavailable=True,
            mean=None,
            sigma_within=None,
            sigma_overall=None,
            sigma_method="n/a",
            cp=None,
            cpk=None,
            pp=None,
            ppk=None,
            chart="n/a",
            violations=[],
            **base,
        )
    stats = capability(values, spec.lsl, spec.usl, subgroup_size=size)
    ordered = sorted(complete.items())
    points = [(k, group[0][0], sum(v for _, v in group) / len(group)) for k, group in ordered]
    sigma_chart = (stats.sigma_within or 0.0) / math.sqrt(size)
    chart_mean = sum(p[2] for p in points) / len(points)
    violations = [
        RuleViolationRow(
            rule=v.rule,
            description=v.description,
            count=len(v.indices),
            points=[
                RulePoint(subgroup=points[i][0], at=points[i][1], value=round(points[i][2], 6))
                for i in v.indices[-MAX_POINTS_PER_RULE:]
            ],
        )
        for v in western_electric([p[2] for p in points], chart_mean, sigma_chart)
    ]
    cpk = "n/a" if stats.cpk is None else f"{stats.cpk:.2f}"
    return SPCResult(
        summary=f"SPC of {spec.code} for {span.label}: mean {stats.mean:.4f} {spec.unit}, Cpk {cpk}, "
        f"{len(violations)} Western Electric rule(s) broken",
        mean=r(stats.mean, 6),
        sigma_within=r(stats.sigma_within, 6),
        sigma_overall=r(stats.sigma_overall, 6),
        sigma_method=stats.sigma_method,
        cp=r(stats.cp, 4),
        cpk=r(stats.cpk, 4),
        pp=r(stats.pp, 4),
        ppk=r(stats.ppk, 4),
        chart=f"X-bar chart of subgroups of {size}" if size > 1 else "individuals chart",
        violations=violations,
        center_line=r(chart_mean, 6),
        ucl=r(chart_mean + 3 * sigma_chart, 6),
        lcl=r(chart_mean - 3 * sigma_chart, 6),
        points=[RulePoint(subgroup=k, at=at, value=round(mean, 6)) for k, at, mean in points[-MAX_CHART_POINTS:]],
        **base,
    )
