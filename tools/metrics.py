"""Metrics: what a figure measures, the names people call it by, and which tool result field holds it.

A tool declares the metrics it computes and where each sits in its result:

    @tool(domain="production", ..., metrics={"oee": "figures.oee", "quality_rate": "figures.quality"})

so that "1号线昨天的质量率" is answered with the OEE quality factor (good / produced) and not with
first-pass yield, and so that an answer can say which metric it reports. The built-in catalogue holds the
ISO 22400 and plant KPIs of KPI.md with their English and Chinese names; a plugin declares its own metric
with a `Metric` object as the key instead of a catalogue name.

Names are KPI names (a closed vocabulary, as in a standard's glossary), not phrasings of questions:
words such as "how many" or "why" do not belong here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BUILTIN_METRICS",
    "Metric",
    "MetricKind",
    "all_metrics",
    "is_builtin_metric",
    "metric_by_key",
    "resolve_metrics",
    "value_at",
]

MetricKind = Literal["ratio", "count", "hours", "minutes", "index", "quantity"]


@dataclass(frozen=True)
class Metric:
    """One metric: a stable key, its names in English and Chinese, a one-line definition and what kind of
    number it is. `aliases` are the other names it goes by (either language)."""

    key: str
    name_en: str
    name_zh: str
    definition_en: str = ""
    definition_zh: str = ""
    kind: MetricKind = "ratio"
    aliases: tuple[str, ...] = field(default=())
    better: Literal["higher", "lower"] | None = None
    """Which way is good, for comparisons ("the best line"): higher OEE, lower scrap rate."""

    def name(self, lang: str) -> str:
        """The metric's name in `lang`."""
        return self.name_zh if lang == "zh" else self.name_en

    def definition(self, lang: str) -> str:
        """The one-line definition in `lang` (may be empty)."""
        return self.definition_zh if lang == "zh" else self.definition_en

    @property
    def names(self) -> tuple[str, ...]:
        """Every name: the two canonical ones and the aliases."""
        return (self.name_en, self.name_zh, *self.aliases)


_LOWER_IS_BETTER = frozenset({"scrap_count", "scrap_rate", "rework_rate", "mttr", "failure_count", "downtime"})


def _m(
    key: str,
    en: str,
    zh: str,
    definition_en: str,
    definition_zh: str,
    kind: MetricKind,
    *aliases: str,
) -> Metric:
    better: Literal["higher", "lower"] = "lower" if key in _LOWER_IS_BETTER else "higher"
    return Metric(key, en, zh, definition_en, definition_zh, kind, tuple(aliases), better)


BUILTIN_METRICS: tuple[Metric, ...] = (
    _m(
        "oee",
        "OEE",
        "OEE",
        "availability × performance × quality rate",
        "可用率×性能率×质量率",
        "ratio",
        "overall equipment effectiveness",
        "设备综合效率",
        "综合效率",
        "设备效率",
    ),
    _m(
        "availability",
        "availability",
        "可用率",
        "OEE factor: production time / planned busy time",
        "OEE因子：实际生产时间/计划占用时间",
        "ratio",
        "availability rate",
        "uptime ratio",
        "时间开动率",
        "时间稼动率",
        "稼动率",
        "开动率",
        "可用性",
    ),
    _m(
        "performance",
        "performance",
        "性能率",
        "OEE factor: ideal run time of the parts made / production time",
        "OEE因子：理论加工时间/实际生产时间",
        "ratio",
        "performance rate",
        "performance efficiency",
        "speed rate",
        "性能开动率",
        "性能稼动率",
        "速度开动率",
        "表现指数",
    ),
    _m(
        "quality_rate",
        "quality rate",
        "质量率",
        "OEE quality factor: good parts / parts produced",
        "OEE质量因子：良品数/产量",
        "ratio",
        "quality ratio",
        "quality factor",
        "quality rate of OEE",
        "yield rate",
        "合格率",
        "良率",
        "良品率",
        "质量指数",
        "成品率",
    ),
    _m(
        "good_count",
        "good parts",
        "合格品数",
        "parts made that are good (not scrap, not rework)",
        "产出的良品数量（不含报废和返工）",
        "count",
        "good count",
        "good quantity",
        "good pieces",
        "good units",
        "good output",
        "good parts made",
        "good pcs",
        "合格品",
        "合格件",
        "良品件",
        "好件数",
        "良品",
        "良品数",
        "合格数",
        "合格数量",
        "好件",
    ),
    _m(
        "scrap_count",
        "scrapped parts",
        "报废数",
        "parts made that were scrapped",
        "报废的零件数量",
        "count",
        "scrap count",
        "scrap quantity",
        "scrapped",
        "废品数",
        "报废数量",
        "废品",
    ),
    _m(
        "scrap_rate",
        "scrap rate",
        "报废率",
        "scrap / parts produced",
        "报废数/产量",
        "ratio",
        "scrap ratio",
        "scrap percentage",
        "废品率",
        "报废比例",
    ),
    _m(
        "rework_rate",
        "rework rate",
        "返工率",
        "rework / parts produced",
        "返工数/产量",
        "ratio",
        "rework ratio",
        "返修率",
    ),
    _m(
        "first_pass_yield",
        "first pass yield",
        "一次合格率",
        "parts good at first inspection / parts inspected",
        "首次检验合格数/检验数",
        "ratio",
        "fpy",
        "first-pass yield",
        "first time yield",
        "first time right",
        "fty",
        "直通率",
        "一次通过率",
        "一次交检合格率",
        "首检合格率",
    ),
    _m(
        "mtbf",
        "MTBF",
        "MTBF",
        "operating time / number of failures",
        "运行时间/故障次数",
        "hours",
        "mean time between failures",
        "平均故障间隔",
        "平均无故障时间",
        "平均故障间隔时间",
    ),
    _m(
        "mttr",
        "MTTR",
        "MTTR",
        "repair time of the failures / number of failures",
        "故障维修总时间/故障次数",
        "hours",
        "mean time to repair",
        "mean time to recovery",
        "平均修复时间",
        "平均维修时间",
    ),
    _m(
        "failure_count",
        "number of failures",
        "故障次数",
        "corrective (breakdown) maintenance events",
        "故障（纠正性维修）次数",
        "count",
        "failures",
        "breakdowns",
        "failure count",
        "number of breakdowns",
        "故障数",
        "故障停机次数",
    ),
    _m(
        "downtime",
        "downtime",
        "停机时间",
        "minutes of stops in the period",
        "期间内停机的分钟数",
        "minutes",
        "downtime minutes",
        "stop time",
        "停机时长",
        "停线时间",
        "停机分钟",
    ),
    _m(
        "cpk",
        "Cpk",
        "Cpk",
        "min(USL − μ, μ − LSL) / 3σ within subgroups",
        "min(USL−μ, μ−LSL)/3σ（组内σ）",
        "index",
        "process capability index",
        "过程能力指数",
        "工序能力指数",
    ),
    _m(
        "cp",
        "Cp",
        "Cp",
        "(USL − LSL) / 6σ within subgroups",
        "(USL−LSL)/6σ（组内σ）",
        "index",
        "process capability",
        "过程能力",
    ),
    _m("ppk", "Ppk", "Ppk", "min(USL − μ, μ − LSL) / 3σ overall", "min(USL−μ, μ−LSL)/3σ（总体σ）", "index"),
    _m("pp", "Pp", "Pp", "(USL − LSL) / 6σ overall", "(USL−LSL)/6σ（总体σ）", "index"),
    _m(
        "on_time_delivery",
        "supplier on-time delivery",
        "供应商准时交货率",
        "PO lines received on or before the promised date / lines received",
        "按承诺日期及之前到货的采购订单行/到货订单行",
        "ratio",
        "on-time delivery",
        "on time delivery",
        "otd",
        "on-time rate",
        "delivery performance",
        "准时交货率",
        "准时交付率",
        "按时交货率",
        "准时到货率",
        "交货准时率",
        "准交率",
    ),
    _m(
        "schedule_adherence",
        "schedule adherence",
        "计划达成率",
        "orders completed by their due date / orders due",
        "按期完成的订单/到期订单",
        "ratio",
        "schedule attainment",
        "on-time completion",
        "计划完成率",
        "按期完成率",
        "交期达成率",
        "计划达成",
    ),
)

_BY_KEY: dict[str, Metric] = {metric.key: metric for metric in BUILTIN_METRICS}


def is_builtin_metric(key: str) -> bool:
    """Whether `key` names a metric of the built-in catalogue."""
    return key in _BY_KEY


def metric_by_key(key: str) -> Metric:
    """A built-in metric by its key; KeyError names the known keys."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown metric {key!r}; built-in metrics: {', '.join(_BY_KEY)}") from None


def resolve_metrics(declared: Mapping[str | Metric, str] | None) -> dict[str, tuple[Metric, str]]:
    """A tool's `metrics` declaration as {key: (metric, result field path)}; names must be known."""
    found: dict[str, tuple[Metric, str]] = {}
    for key, path in (declared or {}).items():
        metric = key if isinstance(key, Metric) else metric_by_key(key)
        if not path or not isinstance(path, str):
            raise TypeError(f"metric {metric.key!r}: the result field path must be a non-empty string")
        found[metric.key] = (metric, path)
    return found


def value_at(result: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of a result ("figures.quality"), or None."""
    value: Any = result
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def all_metrics(tools: Iterable[Any]) -> dict[str, Metric]:
    """Every metric the built-in catalogue and the given tools know, by key."""
    found = dict(_BY_KEY)
    for item in tools:
        for key, (metric, _) in getattr(item, "metrics", {}).items():
            found.setdefault(key, metric)
    return found
