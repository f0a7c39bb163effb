"""Metrics: the catalogue's names, tools' declarations checked against their results, and plugin metrics."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from tools import BUILTIN_METRICS, Metric, ToolContext, ToolResult, load_registry, tool
from tools.metrics import all_metrics, metric_by_key, value_at


class Output(ToolResult):
    class Figures(BaseModel):
        good: int

    figures: Figures
    energy_kwh: float


def _declare(metrics: dict[str | Metric, str], explains: tuple[str, ...] = ()) -> object:
    def energy(ctx: ToolContext, line: str) -> Output:
        """Energy a line used.

        Args:
            line: Line code.
        """
        raise NotImplementedError

    return tool(domain="production", description_zh="能耗", examples=["energy"], metrics=metrics, explains=explains)(
        energy
    )


def test_the_catalogue_knows_the_kpis_in_both_languages() -> None:
    keys = {metric.key for metric in BUILTIN_METRICS}
    assert {"oee", "availability", "performance", "quality_rate", "good_count", "first_pass_yield", "mtbf"} <= keys
    quality = metric_by_key("quality_rate")
    assert (quality.name_en, quality.name_zh) == ("quality rate", "质量率")
    assert "OEE quality factor" in quality.definition_en
    assert "合格率" in quality.aliases
    assert "直通率" in metric_by_key("first_pass_yield").aliases
    assert metric_by_key("scrap_rate").better == "lower"
    assert metric_by_key("oee").better == "higher"


def test_every_name_belongs_to_one_metric_only() -> None:
    owners: dict[str, set[str]] = {}
    for metric in BUILTIN_METRICS:
        for name in metric.names:
            owners.setdefault(name.casefold(), set()).add(metric.key)
    assert {name: keys for name, keys in owners.items() if len(keys) > 1} == {}


def test_the_builtin_tools_declare_where_their_metrics_are() -> None:
    by_name = {t.name: t for t in load_registry().tools}
    assert {key: path for key, (_, path) in by_name["oee"].metrics.items()}["quality_rate"] == "figures.quality"
    assert set(by_name["first_pass_yield"].metrics) == {"first_pass_yield"}
    assert set(by_name["production_output"].metrics) == {"good_count"}
    assert "oee" in by_name["downtime_pareto"].explains


def test_a_declared_path_must_exist_in_the_result() -> None:
    declared = _declare({"good_count": "figures.good"})
    assert {key: path for key, (_, path) in declared.metrics.items()} == {"good_count": "figures.good"}  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=r"'figures\.bad'"):
        _declare({"good_count": "figures.bad"})
    with pytest.raises(TypeError, match="unknown metric 'goodness'"):
        _declare({"goodness": "figures.good"})
    with pytest.raises(TypeError, match="explains unknown metric 'happiness'"):
        _declare({}, explains=("happiness",))


def test_a_plugin_brings_its_own_metric() -> None:
    energy = Metric("energy", "energy use", "用电量", "kWh used", "用电千瓦时", "quantity", ("kwh",), "lower")
    declared = _declare({energy: "energy_kwh"})
    assert all_metrics([declared])["energy"] is energy
    assert value_at({"energy_kwh": 812.5}, "energy_kwh") == 812.5
    assert value_at({"figures": {"good": 3}}, "figures.good") == 3
    assert value_at({"figures": 3}, "figures.good") is None
