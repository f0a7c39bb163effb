"""The multi-step analysis suite: comparisons, root-cause questions and follow-ups over several tools."""

from __future__ import annotations

from typing import Any

from evals.suite_generation.common import LINES, PERIODS, case, line_names, period_names

__all__ = ["analysis_cases"]


def _gold(fn: str, **args: Any) -> dict[str, Any]:
    return {"fn": fn, "args": args}


def _num(fn: str, tolerance: float = 0.005, **args: Any) -> dict[str, Any]:
    return {"numeric": {"gold": _gold(fn, **args), "tolerance": tolerance}}


def _compare_oee() -> list[dict[str, Any]]:
    cases = []
    for a, b, period in (("L1", "L2", "last week"), ("L3", "L4", "yesterday"), ("L2", "L3", "last week")):
        for lang in ("en", "zh"):
            pa, pb = (LINES[a][0].title(), LINES[b][0].title()) if lang == "en" else (LINES[a][1], LINES[b][1])
            phrase = PERIODS[period][0 if lang == "en" else 1]
            text = (
                f"Compare the OEE of {pa} and {pb} {phrase}: which one was better?"
                if lang == "en"
                else f"对比{pa}和{pb}{phrase}的OEE，哪条线更好？"
            )
            expect = {
                "domains": ["production"],
                "tool_calls": [
                    {"name": "oee", "args": {"target": line_names(a), "period": period_names(period)}},
                    {"name": "oee", "args": {"target": line_names(b), "period": period_names(period)}},
                ],
                "answer": [_num("line_oee", line=a, period=period), _num("line_oee", line=b, period=period)],
                "grounded": True,
            }
            key = f"compare-oee-{a.lower()}-{b.lower()}-{period.replace(' ', '-')}-{lang}"
            cases.append(case(key, text, lang, "L3", expect, tags=["analysis", "comparison"]))
    return cases


def _root_cause() -> list[dict[str, Any]]:
    cases = []
    for line in ("L1", "L2", "L3"):
        for lang in ("en", "zh"):
            name = LINES[line][0].title() if lang == "en" else LINES[line][1]
            text = (
                f"Why was {name} losing OEE last week? Give the OEE and the main downtime reason."
                if lang == "en"
                else f"{name}上周OEE为什么低？给出OEE和主要停机原因。"
            )
            expect = {
                "domains": ["production"],
                "tool_calls": [
                    {"name": "oee", "args": {"target": line_names(line)}},
                    {"name": "downtime_pareto", "args": {"target": line_names(line)}},
                ],
                "answer": [
                    _num("line_oee", line=line, period="last week"),
                    {"gold_text": _gold("top_downtime_reason", line=line, period="last week")},
                ],
                "grounded": True,
            }
            cases.append(
                case(f"why-oee-{line.lower()}-{lang}", text, lang, "L3", expect, tags=["analysis", "root_cause"])
            )
    return cases


def _cross_domain() -> list[dict[str, Any]]:
    patterns: list[tuple[str, list[str], str, str, list[dict[str, Any]]]] = [
        (
            "oee-and-open-wo-l2",
            ["production", "maintenance"],
            "What was the OEE of line 2 last week, and how many maintenance work orders are still open there?",
            "2号线上周的OEE是多少？还有多少未完成的维修工单？",
            [_num("line_oee", line="L2", period="last week"), _num("open_work_orders", tolerance=0.0, line="L2")],
        ),
        (
            "scrap-and-top-defect-l3",
            ["quality"],
            "Scrap rate of line 3 last week and the defect code behind most of it?",
            "3号线上周的报废率是多少？主要是哪个缺陷代码？",
            [
                _num("line_scrap_ratio", tolerance=0.002, line="L3", period="last week"),
                {"gold_text": _gold("top_defect_code", line="L3", period="last week")},
            ],
        ),
        (
            "cnc03-failures-mttr",
            ["maintenance"],
            "How many breakdowns did CNC-03 have over the last 30 days and what was its MTTR?",
            "CNC-03最近30天故障了几次？MTTR是多少？",
            [
                _num("equipment_failures", tolerance=0.0, equipment="CNC-03", period="last 30 days"),
                {
                    "numeric": {
                        "gold": _gold("equipment_mttr_h", equipment="CNC-03", period="last 30 days"),
                        "tolerance": 0.01,
                        "relative": True,
                    }
                },
            ],
        ),
        (
            "cnc03-vibration-and-alarms",
            ["equipment"],
            "What was the highest vibration on CNC-03 last week and which alarm came up most?",
            "CNC-03上周振动最高是多少？最常见的报警是哪个？",
            [
                {
                    "numeric": {
                        "gold": _gold("sensor_max", tag="CNC-03.VIB", period="last week"),
                        "tolerance": 0.01,
                        "relative": True,
                    }
                },
                {"gold_text": _gold("top_alarm_code", equipment="CNC-03", period="last week")},
            ],
        ),
        (
            "late-supplier-and-stock",
            ["supply_chain"],
            "What is SUP-02's on-time delivery rate over the last 30 days, and how much RM-1101 is available?",
            "SUP-02最近30天的准时交货率是多少？RM-1101可用库存还有多少？",
            [
                _num("supplier_on_time_rate", tolerance=0.01, supplier="SUP-02", period="last 30 days"),
                _num("material_available", tolerance=0.0, material="RM-1101"),
            ],
        ),
        (
            "output-and-scrap-l1",
            ["production", "quality"],
            "How many good parts did line 1 make yesterday and what was its scrap rate?",
            "1号线昨天生产了多少合格品？报废率是多少？",
            [
                _num("line_good_output", tolerance=0.0, line="L1", period="yesterday"),
                _num("line_scrap_ratio", tolerance=0.002, line="L1", period="yesterday"),
            ],
        ),
        (
            "below-rop-and-open-po",
            ["supply_chain"],
            "How many materials are below reorder point, and how many PO lines from SUP-02 are still open?",
            "有多少物料低于再订货点？SUP-02还有多少采购订单行未到货？",
            [
                _num("materials_below_reorder", tolerance=0.0),
                _num("supplier_open_po_lines", tolerance=0.0, supplier="SUP-02"),
            ],
        ),
    ]
    cases = []
    for key, domains, en, zh, checks in patterns:
        for lang, text in (("en", en), ("zh", zh)):
            expect = {"domains": domains, "answer": checks, "grounded": True}
            agent = domains[0] if len(domains) == 1 else None
            role = _ROLE_NEEDED.get(key)
            cases.append(
                case(
                    f"{key}-{lang}", text, lang, "L3", expect, agent=agent, role=role, tags=["analysis", "cross_domain"]
                )
            )
    return cases


# Who may see these figures: supplier on-time delivery is for supervisors, purchase orders for engineers
# (the tools' minimum roles). Asked by an operator, the right answer is the refusal, not the figure.
_ROLE_NEEDED = {"late-supplier-and-stock": "supervisor", "below-rop-and-open-po": "engineer"}


def _follow_ups() -> list[dict[str, Any]]:
    cases = []
    for line in ("L1", "L2", "L4"):
        for lang in ("en", "zh"):
            name = LINES[line][0].title() if lang == "en" else LINES[line][1]
            turns = (
                [f"What was the OEE of {name} yesterday?", "And the day before?"]
                if lang == "en"
                else [f"{name}昨天的OEE是多少？", "那前天呢？"]
            )
            expect = {
                "domains": ["production"],
                "answer": [_num("line_oee", line=line, period="the day before yesterday")],
                "grounded": True,
            }
            cases.append(
                {
                    "id": f"followup-oee-{line.lower()}-{lang}",
                    "turns": turns,
                    "lang": lang,
                    "level": "L3",
                    "tags": ["analysis", "follow_up"],
                    "expect": expect,
                }
            )
    return cases


def analysis_cases() -> list[dict[str, Any]]:
    """Comparisons, root causes, cross-domain questions and multi-turn follow-ups."""
    return _compare_oee() + _root_cause() + _cross_domain() + _follow_ups()
