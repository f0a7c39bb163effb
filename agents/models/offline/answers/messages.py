"""Fixed answers of the offline model: what it cannot do, what it needs to know, failed calls, proposals."""

from __future__ import annotations

from agents.extraction import Language

__all__ = [
    "cannot_do",
    "clarify_missing",
    "no_data",
    "proposal_submitted",
    "tool_failed",
    "unreadable_period",
    "which_one",
]

_ENABLE_LLM_EN = (
    "To enable an LLM, set ANDON_LLM_BASE_URL (an OpenAI-compatible endpoint), ANDON_LLM_MODEL and, "
    "if the server needs one, ANDON_LLM_API_KEY."
)
_ENABLE_LLM_ZH = (
    "如需启用大模型，请设置 ANDON_LLM_BASE_URL（OpenAI 兼容接口）、ANDON_LLM_MODEL，"
    "如服务需要密钥再设置 ANDON_LLM_API_KEY。"
)


def cannot_do(lang: Language, *, reason: str, tool_names: list[str], metric: str = "") -> str:
    """Why the offline model does not answer, what it can do instead, and how to enable an LLM."""
    shown = ", ".join(tool_names[:8])
    if reason == "metric":
        if lang == "zh":
            return (
                f"这里没有能计算“{metric}”的工具，所以不给出数字。"
                + (f"本领域可用的工具：{shown}。" if shown else "")
                + "请确认指标名称，或换一个本领域能回答的问题。"
            )
        return (
            f"No tool here computes {metric}, so I give no figure for it."
            + (f" Tools available here: {shown}." if shown else "")
            + " Check the metric's name, or ask for one these tools compute."
        )
    if reason == "multi_step":
        if lang == "zh":
            return (
                "离线模式只能用一个工具回答单一的数据问题（例如“2号线昨天的OEE是多少？”），"
                "这个问题需要多个步骤或推理（原因分析、对比或多项指标），离线模式无法回答。"
                f"可以把它拆成单个问题分别提问。{_ENABLE_LLM_ZH}"
            )
        return (
            'The offline model answers single-tool data questions (e.g. "What was the OEE of line 2 yesterday?"). '
            "This request needs several steps or reasoning (a root cause, a comparison or several figures), "
            f"which it cannot do; try asking one figure at a time. {_ENABLE_LLM_EN}"
        )
    if lang == "zh":
        return (
            "离线模式没有找到能回答这个问题的工具。"
            + (f"本领域可用的工具：{shown}。" if shown else "")
            + "请换一种说法，说明指标、对象（产线、设备、物料…）和时间。"
            + _ENABLE_LLM_ZH
        )
    return (
        "The offline model found no tool that answers this request."
        + (f" Tools available here: {shown}." if shown else "")
        + " Try naming the figure, the thing (line, machine, material...) and the period. "
        + _ENABLE_LLM_EN
    )


_KIND_NAMES: dict[str, tuple[str, str, str]] = {
    # kind -> (English, Chinese, example)
    "line": ("line", "产线", "L2 / 2号线"),
    "equipment": ("machine", "设备", "CNC-03"),
    "product": ("product", "产品", "P-2001"),
    "material": ("material", "物料", "RM-..."),
    "supplier": ("supplier", "供应商", "SUP-..."),
    "customer": ("customer", "客户", "CUS-..."),
    "characteristic": ("quality characteristic", "质量特性", "CH-VB25-SEAT"),
    "tag": ("sensor tag", "传感器位号", "CNC-03.VIB"),
    "alarm_code": ("alarm code", "报警代码", "E-217"),
    "purchase_order": ("purchase order", "采购订单", "PO-..."),
    "sales_order": ("sales order", "销售订单", "SO-..."),
    "production_order": ("production order", "生产订单", "MO-..."),
    "maintenance_order": ("maintenance work order", "维修工单", "WO-..."),
    "period": ("period", "时间", "yesterday / 昨天"),
}


def clarify_missing(lang: Language, tool_name: str, missing: list[tuple[str, str | None]]) -> str:
    """Ask for the required arguments the request did not name."""
    parts_en, parts_zh = [], []
    for name, kind in missing:
        en, zh, example = _KIND_NAMES.get(kind or "", (name.replace("_", " "), name, ""))
        parts_en.append(f"which {en}" + (f" (e.g. {example})" if example else ""))
        parts_zh.append(f"哪个{zh}" + (f"（例如 {example}）" if example else ""))
    if lang == "zh":
        return f"要用 {tool_name} 回答，还需要知道：{'、'.join(parts_zh)}。请补充后再问一次。"
    return f"To answer with {tool_name} I need to know {' and '.join(parts_en)}. Please say it and ask again."


def no_data(lang: Language, *, what: str, scope: str, period: str, detail: str) -> str:
    """The tool found nothing: say so instead of inventing a figure."""
    where = " ".join(part for part in (scope, period) if part)
    if lang == "zh":
        return f"{what}：{where}没有数据。" + (f"（{detail}）" if detail else "")
    return f"{what}: no data for {where or 'this request'}." + (f" ({detail})" if detail else "")


def tool_failed(lang: Language, tool_name: str, message: str) -> str:
    """The call did not produce a result: pass on the tool's own words ("unknown line; did you mean L2?")."""
    if lang == "zh":
        return f"{tool_name} 未能给出结果：{message}"
    return f"{tool_name} could not answer: {message}"


def proposal_submitted(lang: Language, *, title: str, proposal_id: str) -> str:
    """A WRITE tool made a proposal: it is not done until someone approves it."""
    ref = f" ({proposal_id})" if proposal_id else ""
    if lang == "zh":
        ref = f"（{proposal_id}）" if proposal_id else ""
        return f"已提交，等待审批{ref}：{title}。在有权限的人员批准之前不会执行。"
    return f"Proposed, awaiting approval{ref}: {title}. Nothing is changed until a permitted person approves it."


def unreadable_period(lang: Language, words: list[str]) -> str:
    """Ask which period is meant when the request's time words cannot be read (never answer another period)."""
    shown = "、".join(f"“{w}”" for w in words) if lang == "zh" else ", ".join(f'"{w}"' for w in words)
    if lang == "zh":
        return (
            f"无法识别时间{shown}（不是能读懂的日期或时间段），所以没有按别的时间段回答。"
            "请换一种说法，例如“昨天”“上周三”“本季度”“上个月”“今年以来”，或写出日期和日期范围。"
        )
    return (
        f"I cannot read {shown} as a date or period, so I have not answered for another one. Please say it "
        'another way, e.g. "yesterday", "last Wednesday", "this quarter", "last month", "year to date", or give '
        "the dates."
    )


def which_one(lang: Language, name: str, codes: list[str]) -> str:
    """Ask which of several things a name stands for ("清洗机": WSH-01 or WSH-02) instead of guessing."""
    if lang == "zh":
        return f"“{name}”可能指{'、'.join(codes)}，请问是哪一个？"
    return f'"{name}" could mean {", ".join(codes[:-1])} or {codes[-1]}. Which one do you mean?'
