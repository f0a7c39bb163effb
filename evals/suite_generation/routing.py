"""The routing suite: the router's held-out set plus templated requests that are not in its training set."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from evals.suite_generation.common import LINES, case

__all__ = ["HELDOUT_FILE", "TRAIN_FILE", "routing_cases"]

_ROUTING_DATA = Path(__file__).resolve().parents[2] / "agents" / "routing" / "data"
HELDOUT_FILE = _ROUTING_DATA / "heldout.jsonl"
TRAIN_FILE = _ROUTING_DATA / "train.jsonl"

# (domain, English template, Chinese template); {line} / {machine} are filled per case.
_TEMPLATES: list[tuple[str, str, str]] = [
    (
        "production",
        "How many good parts did {line} produce the day before yesterday?",
        "{line_zh}前天生产了多少合格品？",
    ),
    ("production", "Is {line} keeping up with the plan this shift?", "{line_zh}这个班次能完成计划吗？"),
    ("production", "Availability of {line} for the past 3 days", "{line_zh}最近三天的可用率"),
    ("production", "Which production orders on {line} are late?", "{line_zh}哪些生产订单延期了？"),
    ("quality", "What is the first pass yield on {line} this month?", "{line_zh}本月的一次合格率是多少？"),
    ("quality", "Top defect codes on {line} in the past 14 days", "{line_zh}最近两周最多的缺陷代码"),
    ("quality", "Is the process on {machine} still capable? Show Cpk", "{machine}的过程能力还够吗？看一下Cpk"),
    ("quality", "How many parts from {line} were scrapped on Monday?", "{line_zh}周一报废了多少件？"),
    ("maintenance", "When was the last breakdown of {machine}?", "{machine}上一次故障停机是什么时候？"),
    ("maintenance", "List the preventive maintenance due on {line} next week", "{line_zh}下周到期的预防性保养有哪些？"),
    ("maintenance", "Mean time to repair for {machine} this quarter", "{machine}本季度的平均修复时间"),
    ("maintenance", "Who is working on the repair of {machine} right now?", "现在谁在修{machine}？"),
    ("equipment", "Is the spindle temperature of {machine} normal right now?", "{machine}的主轴温度现在正常吗？"),
    ("equipment", "Which alarms did {machine} raise overnight?", "{machine}昨晚报了哪些警？"),
    ("equipment", "Plot the vibration trend of {machine} for the last 48 hours", "画出{machine}最近48小时的振动趋势"),
    ("equipment", "Any abnormal sensor readings on {line} today?", "{line_zh}今天有没有异常的传感器读数？"),
    (
        "supply_chain",
        "Do we have enough castings for tomorrow's plan on {line}?",
        "明天{line_zh}的计划，铸件库存够吗？",
    ),
    ("supply_chain", "Which purchase orders are overdue from our suppliers?", "哪些采购订单供应商已经逾期了？"),
    ("supply_chain", "How many O-rings are left in the main warehouse?", "主仓库还剩多少O形圈？"),
    ("supply_chain", "Will customer order deliveries this week be on time?", "本周的客户订单能按时交付吗？"),
    (
        "knowledge",
        "Where is the procedure for restarting {machine} after an emergency stop?",
        "{machine}急停后重新启动的规程在哪里？",
    ),
    ("knowledge", "What PPE is required when handling cutting fluid?", "处理切削液需要佩戴哪些防护用品？"),
    (
        "knowledge",
        "What does the work instruction say about torque settings on {line}?",
        "{line_zh}的作业指导书对拧紧扭矩有什么规定？",
    ),
    ("knowledge", "Which document describes the calibration interval of the gauges?", "哪个文件规定了量具的校准周期？"),
    ("out_of_scope", "Book me a table for dinner tonight", "帮我订一张今晚的餐桌"),
    ("out_of_scope", "What's the exchange rate of the euro today?", "今天欧元汇率是多少？"),
    ("out_of_scope", "Write a poem about autumn", "写一首关于秋天的诗"),
]

_MACHINES = {"L1": "CNC-01", "L2": "CNC-03", "L3": "ROB-01", "L4": "PRS-01"}


def _heldout() -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in HELDOUT_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = []
    for row in rows:
        kind = row.get("kind")
        domains = list(row["domains"]) if kind in ("single", "multi") else [kind]
        level = "L3" if kind == "multi" else ("L1" if domains == ["knowledge"] or kind != "single" else "L2")
        cases.append(
            case(
                f"ho-{row['id']}",
                row["text"],
                row["lang"],
                level,
                {"domains": domains, "route_only": True},
                tags=["routing", "heldout", str(kind)],
            )
        )
    return cases


def _generated(seen: set[str]) -> list[dict[str, Any]]:
    cases = []
    lines = itertools.cycle(LINES)
    for index, (domain, en, zh) in enumerate(_TEMPLATES):
        for lang, template in (("en", en), ("zh", zh)):
            for _ in range(2):
                code = next(lines)
                text = template.format(line=LINES[code][0].title(), line_zh=LINES[code][1], machine=_MACHINES[code])
                if text.lower() in seen:
                    continue
                seen.add(text.lower())
                level = "L1" if domain in ("knowledge", "out_of_scope") else "L2"
                cases.append(
                    case(
                        f"gen-{domain}-{index:02d}-{lang}-{code.lower()}",
                        text,
                        lang,
                        level,
                        {"domains": [domain], "route_only": True},
                        tags=["routing", "generated", "single" if domain != "out_of_scope" else "out_of_scope"],
                    )
                )
    return cases


def routing_cases() -> list[dict[str, Any]]:
    """Every held-out example, then generated requests whose text is in neither the held-out nor the training set."""
    train = {json.loads(line)["text"].lower() for line in TRAIN_FILE.read_text(encoding="utf-8").splitlines() if line}
    heldout = _heldout()
    seen = train | {str(c["input"]).lower() for c in heldout}
    return heldout + _generated(seen)
