"""Rule-based refusal of unsafe requests, in Chinese and English, before any tool runs.

Permissions are enforced by the tool layer; these rules exist so that a request to defeat a
safety function, destroy or falsify records, write to the control system or expose other
people's data is refused with a reason instead of being routed to an agent at all. The rules
pair an action with an object within a short window, in either order, so that "why did the
interlock trip?" is answered while "jumper out the interlock on press 4" is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = ["SafetyCategory", "SafetyVerdict", "check_request", "refusal_text"]

SafetyCategory = Literal["safety_bypass", "record_tampering", "control_write", "privacy"]

_WINDOW = 48  # characters between action and object; long enough for "the safety interlock on press 4"


@dataclass(frozen=True)
class SafetyVerdict:
    """Why a request is refused: the rule category and a reason in both languages."""

    category: SafetyCategory
    reason_en: str
    reason_zh: str
    matched: str

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


@dataclass(frozen=True)
class _Rule:
    category: SafetyCategory
    actions: re.Pattern[str]
    objects: re.Pattern[str]
    both_orders: bool = True
    window: int = _WINDOW


def _alt(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(words), re.IGNORECASE)


# English: hyphens and repeated spaces are removed before matching ("by-pass", "e-stop").
_EN_BYPASS = _alt(
    r"\bbypass",
    r"\bdisabl",
    r"\boverrid",
    r"\bdefeat",
    r"\bjumper",
    r"\bjump out",
    r"\bshort(?:ing)? out",
    r"\bshortcircuit",
    r"\bturn(?:ing)? off",
    r"\bswitch(?:ing)? off",
    r"\bdeactivat",
    r"\bcircumvent",
    r"\bget around",
    r"\bwork around",
    r"\bskip",
    r"\bmute",
    r"\bsilence",
    r"\bignore",
    r"\bremov",
    r"\btape",
    r"\bcheat",
    r"\bforce",
    r"\btrick",
    r"\bdefeat",
    r"\bpin (?:open|down)",
    r"\bwedge",
)
_EN_SAFETY_OBJECT = _alt(
    r"interlock",
    r"safety (?:guard|switch|relay|sensor|circuit|plc|function|device|system|door|gate|mat|light)",
    r"light curtain",
    r"\bestop",
    r"emergency stop",
    r"guard door",
    r"machine guard",
    r"\bguarding",
    r"lockout",
    r"\bloto\b",
    r"tagout",
    r"two hand control",
    r"safety scanner",
    r"door switch",
    r"presence sensor",
)
_EN_DESTROY = _alt(
    r"\bdelet",
    r"\berase",
    r"\bwip(?:e|ing)\b",
    r"\bpurg",
    r"\btruncat",
    r"\bdrop (?:the )?table",
    r"\bfalsif",
    r"\bfak(?:e|ing)\b",
    r"\bforg(?:e|ing)\b",
    r"\bfabricat",
    r"\btamper",
    r"\bbackdat",
    r"\bdoctor",
    r"\bcook(?:ing)? the",
    r"\bmanipulat",
    r"\bcover(?:ing)? up",
    r"\bhid(?:e|ing)\b",
    r"\bscrub",
    r"\bget rid of",
    r"\balter",
    r"\brewrit",
    r"\bdestroy",
    r"\bclear (?:out )?(?:all|the)",
)
_EN_RECORD = _alt(
    r"\brecords?\b",
    r"\blogs?\b",
    r"\baudit",
    r"\binspection",
    r"\bhistory\b",
    r"\bentries\b",
    r"\bdata\b",
    r"\bdatabase",
    r"\breports?\b",
    r"\bmeasurements?\b",
    r"\bresults?\b",
    r"\bdowntime events?",
    r"\bscrap\b",
    r"\bdefects?\b",
    r"\bspc\b",
    r"\bcertificates?\b",
    r"\bwork orders?\b",
    r"\btrail\b",
)
_EN_CONTROL_ACTION = _alt(
    r"\bchange\b",
    r"\bset\b",
    r"\bwrit(?:e|ing)\b",
    r"\badjust\b",
    r"\bmodify\b",
    r"\bpush\b",
    r"\bsend\b",
    r"\bdownload\b",
    r"\bforce\b",
    r"\btweak\b",
    r"\bupdate\b",
    r"\bbump\b",
    r"\bcrank\b",
    r"\breprogram",
)
_EN_CONTROL_OBJECT = _alt(
    r"set ?points?",
    r"\bplcs?\b",
    r"\bscada\b",
    r"\bdcs\b",
    r"control system",
    r"\bcontroller",
    r"\bhmi\b",
    r"\bregisters?\b",
    r"\bcoils?\b",
    r"\bactuators?\b",
    r"valve position",
    r"\bvfd\b",
    r"\binverter",
    r"spindle speed",
    r"line speed",
    r"\bopc ?ua\b",
    r"\bmodbus\b",
    r"\bladder logic",
)
_EN_SECRET = _alt(
    r"\bpasswords?\b",
    r"\bpasscodes?\b",
    r"\bcredentials?\b",
    r"\bapi keys?\b",
    r"\bsecret keys?\b",
    r"\baccess tokens?\b",
    r"\blogin details\b",
    r"\bpassword hash",
)
_EN_REVEAL = _alt(
    r"\bshow",
    r"\bgive",
    r"\btell",
    r"\breveal",
    r"\blist",
    r"\bwhat(?:'s| is| are)",
    r"\bsend",
    r"\bdump",
    r"\bexport",
    r"\bread",
    r"\bget\b",
    r"\bfind",
    r"\bprint",
    r"\bleak",
    r"\bsee\b",
    r"\bdisplay",
)
_EN_OTHER_PEOPLE = _alt(
    r"\bother (?:users?|people|operators?|engineers?|employees?)(?:'s|'|s')?",
    r"someone else'?s?",
    r"\banother (?:user|operator|engineer|employee)'?s?",
    r"\bcolleagues?'?s?",
    r"\beveryone'?s",
    r"all users'?",
    r"\b(?:his|her|their) (?:chat|conversation|messages?|password|salary|personal)",
)
_EN_PRIVATE = _alt(
    r"\bchats?\b",
    r"\bconversations?\b",
    r"\bmessages?\b",
    r"\bhistory\b",
    r"\bsessions?\b",
    r"\bsalar",
    r"\bpersonal",
    r"\bprivate",
    r"\bdata\b",
    r"\bquestions?\b",
    r"\bphone numbers?",
    r"\baddress",
    r"\bemails?\b",
    r"\bpasswords?\b",
    r"\baccounts?\b",
)

_ZH_BYPASS = _alt(
    "绕过",
    "绕开",
    "旁路",
    "屏蔽",
    "短接",
    "跨接",
    "解除",
    "禁用",
    "停用",
    "关闭",
    "关掉",
    "关了",
    "跳过",
    "取消",
    "拆除",
    "拆掉",
    "拆了",
    "忽略",
    "强制",
    "骗过",
    "糊弄",
    "失效",
    "不要管",
    "别管",
    "去掉",
    "摘掉",
)
_ZH_SAFETY_OBJECT = _alt(
    "联锁",
    "互锁",
    "连锁保护",
    "安全门",
    "光栅",
    "光幕",
    "急停",
    "安全装置",
    "安全防护",
    "防护罩",
    "防护门",
    "安全开关",
    "安全继电器",
    "挂牌上锁",
    "上锁挂牌",
    "安全回路",
    "安全光电",
    "双手按钮",
    "安全PLC",
    "安全传感器",
    "门开关",
    "安全地毯",
    "安全扫描",
)
_ZH_DESTROY = _alt(
    "删除",
    "删掉",
    "删了",
    "删光",
    "清除",
    "清空",
    "抹掉",
    "抹去",
    "销毁",
    "篡改",
    "伪造",
    "造假",
    "做假",
    "编造",
    "隐瞒",
    "瞒报",
    "修改",
    "改掉",
    "改一下",
    "改成",
    "改小",
    "改低",
    "改好看",
    "涂改",
    "抹平",
    "隐藏",
    "倒签",
    "补录假",
)
_ZH_RECORD = _alt(
    "记录",
    "数据",
    "日志",
    "审计",
    "检验",
    "报告",
    "台账",
    "履历",
    "报表",
    "结果",
    "停机事件",
    "报废数",
    "不良",
    "缺陷",
    "SPC",
    "证书",
    "点检表",
    "追溯",
)
_ZH_CONTROL_ACTION = _alt(
    "修改",
    "更改",
    "改掉",
    "改成",
    "改为",
    "改一下",
    "调整",
    "调高",
    "调低",
    "设置",
    "设定为",
    "设为",
    "设成",
    "写入",
    "下发",
    "强制",
    "写到",
    "推送",
    "刷新程序",
    "改写",
)
_ZH_CONTROL_OBJECT = _alt(
    "设定值",
    "设定点",
    "给定值",
    "PLC",
    "SCADA",
    "DCS",
    "控制系统",
    "控制器",
    "寄存器",
    "阀门开度",
    "变频器",
    "梯形图",
    "HMI",
    "触摸屏参数",
    "OPC",
    "Modbus",
)
_ZH_SECRET = _alt("密码", "口令", "凭据", "凭证", "密钥", "API ?Key", "令牌", "登录信息")
_ZH_OTHER_PEOPLE = _alt(
    "其他用户",
    "别的用户",
    "其他人",
    "别人",
    "他人",
    "同事",
    "所有用户",
    "所有人",
    "其他操作员",
    "其他工程师",
    "其他员工",
    "某某",
)
_ZH_PRIVATE = _alt(
    "数据",
    "记录",
    "聊天",
    "对话",
    "历史",
    "提问",
    "问题",
    "会话",
    "工资",
    "薪资",
    "薪水",
    "个人信息",
    "电话",
    "地址",
    "邮箱",
    "账号",
    "密码",
    "隐私",
)
_ZH_REVEAL = _alt("看", "查", "给我", "告诉", "显示", "列出", "导出", "发给", "泄露", "是什么", "多少", "获取", "调出")

# Setting a process value directly: "把2号线烘箱温度设到250度", "set the oven temperature on L2 to 250".
_ZH_DIRECT_SET = re.compile(
    r"(?:把|将)[^。？?！!]{0,24}(?:温度|压力|转速|速度|流量|电流|电压|频率|液位|扭矩)[^。？?！!]{0,12}"
    r"(?:设为|设成|设到|设置为|改为|改成|改到|调到|调为|调成|写成|提高到|降低到|调整到|调整为|加到|减到)"
)
_EN_DIRECT_SET = re.compile(
    r"\b(?:set|change|raise|lower|adjust|bump|push)\b[^.?!]{0,32}\b(?:temperature|pressure|speed|rpm|flow|"
    r"current|voltage|frequency|torque|feed rate)\b[^.?!]{0,32}\bto\b\s*-?\d"
    r"|^(?:please |can you |could you )?(?:raise|lower|increase|decrease|reduce|bump|crank)\b[^.?!]{0,40}"
    r"\b(?:set ?points?|plc|scada|dcs|line speed|spindle speed|temperature|pressure|rpm)\b"
)

# Editing figures in a record: "change the scrap numbers in yesterday's report", "make the numbers look better".
_EN_EDIT_FIGURES = re.compile(
    r"\b(?:change|edit|adjust|fix|lower|reduce|massage|tweak|improve|alter|update)\b[^.?!]{0,24}\b(?:numbers|figures|"
    r"counts|values|totals)\b[^.?!]{0,24}\b(?:reports?|records?|logs?|data|audit|system)\b|make the (?:numbers|figures|"
    r"data) look better"
)

_RULES: tuple[_Rule, ...] = (
    _Rule("safety_bypass", _EN_BYPASS, _EN_SAFETY_OBJECT),
    _Rule("safety_bypass", _ZH_BYPASS, _ZH_SAFETY_OBJECT),
    _Rule("record_tampering", _EN_DESTROY, _EN_RECORD, both_orders=False),
    _Rule("record_tampering", _ZH_DESTROY, _ZH_RECORD),
    _Rule("control_write", _EN_CONTROL_ACTION, _EN_CONTROL_OBJECT, both_orders=False, window=40),
    _Rule("control_write", _ZH_CONTROL_ACTION, _ZH_CONTROL_OBJECT, window=16),
    _Rule("privacy", _EN_REVEAL, _EN_SECRET, both_orders=False),
    _Rule("privacy", _ZH_REVEAL, _ZH_SECRET),
    _Rule("privacy", _EN_OTHER_PEOPLE, _EN_PRIVATE, both_orders=False),
    _Rule("privacy", _ZH_OTHER_PEOPLE, _ZH_PRIVATE, both_orders=False),
)

_REASONS: dict[SafetyCategory, tuple[str, str]] = {
    "safety_bypass": (
        "I can't help bypass, disable or defeat an interlock or safety guard. They protect people; if one "
        "blocks production, report it to maintenance and follow the lockout/tagout procedure.",
        "我不能协助绕过、屏蔽或禁用联锁或安全防护装置，它们是用来保护人员安全的。如果它影响了生产，"
        "请报修并按挂牌上锁（LOTO）程序处理。",
    ),
    "record_tampering": (
        "I can't delete, alter or falsify plant records. Records are append-only for traceability; if a record "
        "is wrong, raise a correction through your quality or data owner.",
        "我不能删除、修改或伪造工厂记录。记录只能追加以保证可追溯性；如果记录有误，请通过质量或数据负责人提出更正。",
    ),
    "control_write": (
        "I can't change PLC setpoints or write to the control system. I only read plant data and propose "
        "actions for a person to approve; setpoint changes go through your change-management procedure.",
        "我不能修改PLC设定值或向控制系统写入。我只读取工厂数据，并提出需要人员审批的建议；设定值变更请走变更管理流程。",
    ),
    "privacy": (
        "I can't reveal passwords, credentials or other users' data. Each user sees only what their own role "
        "and scopes allow; ask an administrator if you need access.",
        "我不能透露密码、凭据或其他用户的数据。每个用户只能看到其角色和范围允许的内容；如需权限请联系管理员。",
    ),
}


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text)
    text = text.replace("’", "'")
    return re.sub(r"\s+", " ", text)


def _near(rule: _Rule, text: str) -> str | None:
    for action in rule.actions.finditer(text):
        window_after = text[action.end() : action.end() + rule.window]
        found = rule.objects.search(window_after)
        if found:
            return text[action.start() : action.end() + found.end()]
        if rule.both_orders:
            start = max(0, action.start() - rule.window)
            before = list(rule.objects.finditer(text[start : action.start()]))
            if before:
                return text[start + before[-1].start() : action.end()]
    return None


def check_request(text: str) -> SafetyVerdict | None:
    """The refusal verdict for an unsafe request, or None when the request may proceed."""
    normalized = _normalize(text)
    direct_rules: tuple[tuple[re.Pattern[str], SafetyCategory], ...] = (
        (_ZH_DIRECT_SET, "control_write"),
        (_EN_DIRECT_SET, "control_write"),
        (_EN_EDIT_FIGURES, "record_tampering"),
    )
    for pattern, category in direct_rules:
        direct = pattern.search(normalized)
        if direct:
            return _verdict(category, direct.group(0))
    for rule in _RULES:
        matched = _near(rule, normalized)
        if matched:
            return _verdict(rule.category, matched)
    return None


def _verdict(category: SafetyCategory, matched: str) -> SafetyVerdict:
    en, zh = _REASONS[category]
    return SafetyVerdict(category=category, reason_en=en, reason_zh=zh, matched=matched)


def refusal_text(verdict: SafetyVerdict, lang: str) -> str:
    """The refusal an operator reads, in their language."""
    prefix = "无法执行该请求。" if lang == "zh" else "I can't do that. "
    return prefix + verdict.reason(lang)
