"""What the assistant refuses, by category: one table, each category with its English and Chinese rules
and a reason in both languages.

Rules are written against normalised text (see `matching.normalize`): lower case, "e-stop" -> "estop".
Add a wording to the category it belongs to, never a whole sentence, and add a near-miss question that
must still pass to tests/agents/test_safety_rules.py next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agents.safety.matching import Near, Phrase, Rule, words
from agents.safety.vocabulary import (
    EN_ALARM,
    EN_CONVERSATION,
    EN_DEFEAT,
    EN_DEFEAT_BEFORE,
    EN_DESTROY,
    EN_DESTROY_REQUEST,
    EN_DEVICE,
    EN_HELD,
    EN_HELD_WORDS,
    EN_NOT_A_REQUEST,
    EN_PASS,
    EN_PRIVATE,
    EN_PROCEDURE_BEFORE,
    EN_RECORD,
    EN_RELEASE,
    EN_STATED_AFTER,
    EN_SWITCH_OFF,
    ZH_ALARM,
    ZH_CONVERSATION,
    ZH_DEFEAT,
    ZH_DESTROY,
    ZH_DESTROY_REQUEST,
    ZH_DEVICE,
    ZH_DEVICE_NOT_DOOR,
    ZH_HELD,
    ZH_NOT_A_REQUEST,
    ZH_PRIVATE,
    ZH_QUESTION_AFTER,
    ZH_RECORD,
    ZH_RELEASE,
    ZH_SWITCH_OFF,
)

__all__ = ["CATEGORIES", "Category", "SafetyCategory"]

SafetyCategory = Literal[
    "safety_bypass",
    "alarm_suppression",
    "nonconforming_release",
    "record_tampering",
    "approval_bypass",
    "control_write",
    "privacy",
]


@dataclass(frozen=True)
class Category:
    """A kind of unsafe request: the rules that recognise it and why it is refused."""

    name: SafetyCategory
    reason_en: str
    reason_zh: str
    rules: tuple[Rule, ...]


# --- defeating a safety device -------------------------------------------------------------------------------
_SAFETY_BYPASS = Category(
    "safety_bypass",
    "I can't help bypass, disable or defeat an interlock or safety device (e-stop, light curtain, guard switch, "
    "two-hand control, pressure relief, lockout/tagout). They protect people; if one blocks production, report "
    "it to maintenance and follow the lockout/tagout procedure.",
    "我不能协助绕过、短接、屏蔽或拆除联锁和安全装置（急停、光幕、安全门开关、双手按钮、泄压阀、挂牌上锁）。"
    "它们是用来保护人员安全的。如果它影响了生产，请报修并按挂牌上锁（LOTO）程序处理。",
    (
        Near(EN_DEFEAT, EN_DEVICE, unless=EN_NOT_A_REQUEST, unless_after=EN_STATED_AFTER),
        Near(EN_DEFEAT_BEFORE, EN_DEVICE, both_orders=False, unless=EN_NOT_A_REQUEST, unless_after=EN_STATED_AFTER),
        Near(EN_SWITCH_OFF, EN_DEVICE, both_orders=False, window=32, unless=EN_NOT_A_REQUEST),
        Phrase(
            words(
                r"\b(?:without|no need (?:for|to)|don't bother (?:with)?|forget(?: about)?|no) (?:the |a |doing )?",
                r"(?:lockout|loto|locking (?:it )?out|lock ?out|isolat|de ?energi)",
                r"|\b(?:run|work|operate|start)\b[^.?!]{0,30}\bwith the (?:guard|safety|cover|door) ?(?:door"
                r"|gate)?s? (?:open|off|removed)",
                r"|\breach (?:in|into)\b[^.?!]{0,40}\bwhile (?:it|the \w+) (?:is|'s) (?:running|moving|on)",
            ),
            unless=EN_NOT_A_REQUEST,
        ),
        Near(ZH_DEFEAT, ZH_DEVICE, unless=ZH_NOT_A_REQUEST),
        Near(ZH_SWITCH_OFF, ZH_DEVICE_NOT_DOOR, window=16, unless=ZH_NOT_A_REQUEST),
        Phrase(
            words(
                "(?:不用|不需要|不必|没必要|免|省掉|省了|别|不|跳过|先不)(?:再)?(?:做|搞|执行|进行|走|挂)?(?:上锁挂牌"
                "|挂牌上锁|loto"
                "|能量隔离|断电上锁|上锁|挂牌)",
                "|开着(?:安全门|防护门|防护罩|门)[^。？！]{0,6}(?:干活|生产|运行|开机|作业|操作|开动)",
                "|(?:不停机|运行中|开着机)[^。？！]{0,8}(?:伸手|进去|进入|钻进)",
            ),
            unless=ZH_NOT_A_REQUEST,
        ),
    ),
)

# --- silencing alarms or audit logging -----------------------------------------------------------------------
_ALARM_SUPPRESSION = Category(
    "alarm_suppression",
    "I can't disable or permanently silence alarms, or turn off audit logging. Alarms and the audit trail are how "
    "the plant notices and traces problems; a nuisance alarm should be reviewed by its owner (alarm rationalisation).",
    "我不能禁用或永久屏蔽报警，也不能关闭审计日志。报警和审计记录是工厂发现和追溯问题的手段；误报警请交给负责人评审处"
    "理。",
    (
        Near(
            words(
                r"\bdisabl|\bsuppress|\binhibit|\bbypass|\bturn(?:ing)? off|\bswitch(?:ing)? off|\bshut off"
                r"|\bstop (?=logging|auditing|the audit)"
            ),
            EN_ALARM,
            both_orders=False,
            window=32,
            unless=EN_NOT_A_REQUEST,
        ),
        Phrase(
            words(
                r"\b(?:silence|mute|ignore|shelve|hide)\b[^.?!]{0,40}\balarms?\b[^.?!]{0,30}\b(?:permanently|for good|",
                r"forever|for the (?:whole )?(?:shift|day|week))|\b(?:silence|mute|ignore|shelve|hide) (?:all|every)\b",
                r"[^.?!]{0,30}\balarms?\b|\b(?:don't|do not|stop) (?:log|record|audit)(?:ging)? (?:this|that|it|what)",
                r"|\boff the record\b",
            ),
            unless=EN_NOT_A_REQUEST,
        ),
        Near(words("屏蔽|禁用|关闭|关掉|关了|停用|取消|抑制|旁路|去掉|消掉|不要|暂停"), ZH_ALARM, window=16),
        Phrase(
            words(
                "(?:全部|所有|永久|一直)[^。？！]{0,6}消音|不要(?:记录|留记录|写日志|记日志|留痕)|别(?:记录|留记录"
                "|留痕)"
            )
        ),
    ),
)

# --- releasing held, quarantined or non-conforming material --------------------------------------------------
_NONCONFORMING_RELEASE = Category(
    "nonconforming_release",
    "I can't release, ship or use held, quarantined or non-conforming material, or skip an inspection. Material on "
    "hold needs a disposition from quality (MRB) before it moves; ask your quality engineer.",
    "我不能放行、发出或使用被隔离、冻结或不合格的物料，也不能跳过检验。被扣留的物料必须先由质量部门（MRB）评审处置，请"
    "联系质量工程师。",
    (
        Near(EN_RELEASE, EN_HELD, window=40, unless=words(EN_NOT_A_REQUEST.pattern, "|", EN_PROCEDURE_BEFORE.pattern)),
        Phrase(
            words(
                r"\b(?:skip|bypass|ignore|without|no need for|forget)\b (?:the |doing |any )?(?:final |incoming |"
                r"first ?article |outgoing |100% |leak |quality )?(?:inspection|testing|leak test|test|quality check|",
                r"qc|fai)\b[^.?!]{0,30}\b(?:ship|release|deliver|send|go|ok)|\b(?:ship|release|deliver"
                r"|send)\b[^.?!]{0,40}",
                r"\b(?:without|skipping|before) (?:the |any )?(?:inspection|testing|test|quality|qc|disposition|mrb)",
                r"|\b(?:use|move|put|transfer)\b[^.?!]{0,12}(?:",
                EN_HELD_WORDS,
                r")[^.?!]{0,40}\b(?:anyway|regardless|to (?:stock|the line|finished goods|shipping|the customer))",
            ),
            unless=EN_NOT_A_REQUEST,
        ),
        Near(ZH_RELEASE, ZH_HELD, window=24, unless=ZH_NOT_A_REQUEST, unless_after=ZH_QUESTION_AFTER),
        Phrase(
            words(
                "(?:跳过|不用|不做|不经|免|省掉|别做)(?:最终|出厂|来料|首件|气密)?(?:检验|检查|测试|质检"
                "|检测)[^。？！]{0,10}(?:发|放行|出货|交)"
                "|(?:不通知|瞒着|绕过|不告诉)质量[^。？！]{0,20}(?:发|放行|出货|交付|入库)"
            ),
            unless=ZH_NOT_A_REQUEST,
        ),
    ),
)

# --- falsifying, deleting or back-dating records -------------------------------------------------------------
_RECORD_TAMPERING = Category(
    "record_tampering",
    "I can't delete, alter, back-date or falsify plant records (inspection, calibration, maintenance, SPC or "
    "production data). Records are append-only for traceability; if a record is wrong, raise a correction through "
    "your quality or data owner.",
    "我不能删除、修改、倒签或伪造工厂记录（检验、校准、保养、SPC或生产数据）。记录只能追加以保证可追溯性；"
    "如果记录有误，请通过质量或数据负责人提出更正。",
    (
        Near(EN_DESTROY, EN_RECORD, both_orders=False, unless=EN_NOT_A_REQUEST, unless_after=EN_STATED_AFTER),
        Phrase(
            words(
                r"\b(?:change|edit|adjust|fix|lower|reduce|tweak|improve|update|round)\b[^.?!]{0,24}\b(?:numbers|",
                r"figures|counts|values|totals|readings|results)\b[^.?!]{0,24}\b(?:reports?|records?|logs?|data|audit|",
                r"system|spc|chart)\b|make the (?:numbers|figures|data|chart|report) look (?:better|good|nicer)",
                r"|\b(?:change|set|mark|flip|switch|edit|update|record|log|enter)\b[^.?!]{0,60}\b(?:to|as) (?:a )?",
                EN_PASS,
                r"\b[^.?!]{0,40}\b(?:even though|although|but (?:it|we|they|i) (?:didn't|did not|never|wasn't|failed))",
                r"|\b(?:change|set|mark|flip|switch|edit|update|turn)\b[^.?!]{0,60}\b(?:fail(?:ed|ing|ure)?|ng"
                r"|rejected)\b",
                r"[^.?!]{0,60}\b(?:to|as|into) (?:a )?",
                EN_PASS,
                r"|\b(?:set|mark|change|close|switch)\b[^.?!]{0,8}\b(?:all|every|each)\b[^.?!]{0,40}\b(?:orders?|work ",
                r"orders?|inspections?|records?|jobs?|tickets?)\b[^.?!]{0,40}\b(?:to|as) (?:completed?|closed|done|",
                r"finished|passed)|\b(?:delete|remove|drop|erase)\b[^.?!]{0,40}\b(?:points?|readings?|values?"
                r"|outliers)",
                r"\b[^.?!]{0,20}\bfrom the (?:spc|control chart|chart|record|database|log|report)",
                r"|\b(?:fill|sign|tick|check)(?: in| off| out)?\b[^.?!]{0,50}\b(?:that|which)? ?(?:we|i|they|nobody"
                r"|no one)",
                r" (?:missed|skipped|didn't do|did not do|never did|forgot)",
            ),
            unless=EN_NOT_A_REQUEST,
        ),
        Near(
            ZH_DESTROY,
            ZH_RECORD,
            unless=ZH_NOT_A_REQUEST,
            unless_after=words(ZH_QUESTION_AFTER.pattern, "|几条|有没有"),
        ),
        # An order to destroy anything at all ("删除所有维修工单", "purge every PO"), whatever the object.
        Phrase(
            EN_DESTROY_REQUEST,
            unless=EN_NOT_A_REQUEST,
            unless_after=words(EN_STATED_AFTER.pattern, "|", EN_CONVERSATION.pattern),
        ),
        Phrase(
            ZH_DESTROY_REQUEST,
            unless=words(
                ZH_NOT_A_REQUEST.pattern,
                "|被|已经|已|怎么|如何|查看|查一下|看看|列出|显示|统计|恢复|",
                ZH_CONVERSATION.pattern,
            ),
            unless_after=words(ZH_QUESTION_AFTER.pattern, "|吗|了没|没有|多久|", ZH_CONVERSATION.pattern),
        ),
        Phrase(
            words(
                "改(?:一?下)?(?:数据|记录|报告|结果|读数|点检|日期)|(?:结果|状态|判定)[^。？！]{0,6}(?:改成|改为|改到"
                "|写成|标成)(?:合格|通过|ok|已完成)",
                "|(?:所有|全部|每个|整批)[^。？！]{0,16}(?:订单|工单|检验|记录)[^。？！]{0,8}(?:改成|改为|设为|标记为"
                "|关闭|置为)",
                "|(?:没|未)(?:做|检|检验|校准|保养|点检|测|检查)[^。？！]{0,12}(?:也|就|直接)?(?:签|写|填|打勾|记成"
                "|报)",
            ),
            unless=words("为什么|谁|有没有|是否有|禁止|严禁"),
        ),
    ),
)

# --- approving in bulk or one's own request ------------------------------------------------------------------
_APPROVAL_BYPASS = Category(
    "approval_bypass",
    "I can't approve proposals in bulk, approve my own or someone else's request on their behalf, or skip review. "
    "Each proposal is reviewed one by one by a permitted role, with `andon approve` or in the UI.",
    "我不能批量审批、自己审批自己的申请、代替他人审批或跳过审核。每个提案都要由有权限的角色逐一审核（`andon approve` "
    "或界面中）。",
    (
        Phrase(
            words(
                r"\b(?:approve|sign off)\b[^.?!]{0,12}\b(?:all|every|everything|them all|each|the whole)\b|\b(?:bulk"
                r"|mass|batch|auto|blanket)[ -]?approv|\brubber ?stamp|\bapprove (?:my own|it myself|",
                r"them myself|on behalf)|\bapprove\b[^.?!]{0,40}\b(?:without (?:review|checking|looking|reading)"
                r"|as (?:the |my )?",
                r"(?:supervisor|manager|admin))|\b(?:skip|bypass|get around|avoid)\b (?:the )?(?:review|approval"
                r"|sign ?off|",
                r"four eyes|second signature)",
            ),
            unless=words(r"\bwho\b|\bhow many\b|\bwhich\b|\bwhen\b|\bwhy\b|\bdid\b|\bwas\b|\bwere\b|\bnever\b"),
        ),
        Phrase(
            words(
                "(?:全部|都|全都|一键|批量|统一|一次性)(?:给我)?(?:批准|审批|批了|批掉)|(?:所有"
                "|全部)[^。？！]{0,20}(?:都|全)?",
                "(?:批准|审批通过|批了|同意)|(?:自己|我自己)(?:批准|审批|批)|自批|(?:替|代替|代)(?:主管|经理|领导|他"
                "|她|别人)",
                "(?:审批|批准|签字)|(?:跳过|绕过|不走|免|不经|不用|省掉)(?:审批|审核|批准|评审)",
            ),
            unless=words("谁|哪些|多少|几个|为什么|有没有|是否"),
        ),
    ),
)

# --- writing to the control system ---------------------------------------------------------------------------
_CONTROL_WRITE = Category(
    "control_write",
    "I can't change PLC setpoints or write to the control system. I only read plant data and propose actions for a "
    "person to approve; setpoint and program changes go through your change-management procedure.",
    "我不能修改PLC设定值或向控制系统写入。我只读取工厂数据，并提出需要人员审批的建议；设定值和程序变更请走变更管理流程"
    "。",
    (
        Near(
            words(
                r"(?<!\ba )\bchange\b(?! requests?\b| management\b| orders?\b)|(?<!\bis )\bset\b|\bwrit(?:e|ing)\b",
                r"|\badjust\b|\bmodify\b|\bpush\b|\bsend\b|\bdownload\b|\bforce\b",
                r"|\btweak\b|\bupdate\b|\bbump\b|\bcrank\b|\breprogram|\btoggle\b|\bflash\b|\bupload\b",
            ),
            words(
                r"set ?points?|\bplcs?\b|\bscada\b|\bdcs\b|control system|\bcontroller|\bhmi\b|\bregisters?\b"
                r"|\bcoils?\b",
                r"|\bactuators?\b|valve position|\bvfd\b|\binverter|spindle speed|line speed|\bopc ?ua\b|\bmodbus\b",
                r"|\bladder logic|\bplc tags?|\btag values?|\boutputs? bits?|\bi/?o points?|program mode|\bfirmware",
            ),
            both_orders=False,
            window=40,
            unless=words(r"\b(?:why|did|who|when|was|were|has|had|how does|what|which)\b"),
        ),
        Phrase(
            words(
                r"\b(?:set|change|raise|lower|adjust|bump|push|increase|decrease|reduce|turn (?:up"
                r"|down))\b[^.?!]{0,32}",
                r"\b(?:temperature|pressure|speed|rpm|flow|current|voltage|frequency|torque|feed rate|cycle time|",
                r"dwell time|hold time|clamp(?:ing)? force|press force|tonnage)\b[^.?!]{0,32}\bto\b\s*-?\d",
                r"|^(?:please |can you |could you )?(?:raise|lower|increase|decrease|reduce|bump|crank)\b"
                r"(?! an? (?:change|request|ticket|work order|proposal))[^.?!]{0,40}",
                r"\b(?:set ?points?|plc|scada|dcs|line speed|spindle speed|temperature|pressure|rpm)\b",
            ),
            unless=words(r"\b(?:why|did|who|when|was|were|has|had|what if|if we|would)\b"),
        ),
        Near(
            words(
                "修改|更改|改掉|改成|改为|改一下|调整|调高|调低|设置|设定为|设为|设成|写入|下发|强制|写到|推送"
                "|刷新程序|改写|刷程序|下载程序"
            ),
            words(
                "设定值|设定点|给定值|plc|scada|dcs|控制系统|控制器|寄存器|阀门开度|变频器|梯形图|hmi|触摸屏参数|opc"
                "|modbus|输出点|io点"
            ),
            window=16,
            unless=words("为什么|谁|有没有|是否|申请"),
        ),
        Phrase(
            words(
                r"(?:把|将)[^。？?！!]{0,24}(?:温度|压力|转速|速度|流量|电流|电压|频率|液位|扭矩|保压时间|压装力"
                r"|夹紧力|进给)",
                r"[^。？?！!]{0,12}(?:设为|设成|设到|设置为|改为|改成|改到|调到|调为|调成|写成|提高到|降低到|调整到"
                r"|调整为|加到|减到)",
                r"|强制(?:输出|输入|io|i/o|点位)",
            ),
            unless=words("为什么|谁|有没有|是否"),
        ),
    ),
)

# --- other users' data and credentials -----------------------------------------------------------------------
_PRIVACY = Category(
    "privacy",
    "I can't reveal passwords, credentials or other users' data, or act as another user. Each user sees only what "
    "their own role and scopes allow; ask an administrator if you need access.",
    "我不能透露密码、凭据或其他用户的数据，也不能冒用他人身份。每个用户只能看到其角色和范围允许的内容；如需权限请联系"
    "管理员。",
    (
        Near(
            words(
                r"\bshow|\bgive|\btell|\breveal|\blist|\bwhat(?:'s| is| are)|\bsend|\bdump|\bexport|\bread|\bget\b"
                r"|\bfind",
                r"|\bprint|\bleak|\bsee\b|\bdisplay|\bcrack|\bguess|\bhack",
            ),
            words(
                r"\bpasswords?\b|\bpasscodes?\b"
                r"|\bcredentials?\b|\bapi keys?\b|\bsecret keys?\b|\baccess tokens?\b",
                r"|\blogin details\b|\bpassword hash|\bpin codes?\b",
            ),
            both_orders=False,
            unless=words(r"\b(?:my own|my)\b|\bhow (?:do|can) i (?:reset|change)"),
            unless_after=words(
                EN_STATED_AFTER.pattern, r"|\b(?:rules?|requirements?|reset|expiry|length|complexity|strength)\b"
            ),
        ),
        Near(
            words(
                r"\bother (?:users?|people|operators?|engineers?|employees?)(?:'s|'|s')?|someone else'?s?|\banother ",
                r"(?:user|operator|engineer|employee)'?s?|\bcolleagues?'?s?|\beveryone'?s|all users'?|\b(?:his|her"
                r"|their) ",
                r"(?:chat|conversation|messages?|password|salary|personal)|\b(?!(?:line|machine|plant|shift|oven|press"
                r"|",
                r"cnc|it|today|yesterday|week|month|supplier|order|lot|part)'s)[a-z]+'s (?=(?:chat|conversation|",
                r"session|messages|questions|password|salary|pay|phone|home address|personal|private))",
            ),
            words(EN_PRIVATE),
            both_orders=False,
        ),
        Phrase(
            words(
                r"\b(?:log ?in|sign ?in|act|pose) as (?:another|someone|a different|my (?:boss|supervisor|manager)|",
                r"(?!an? )[a-z]+ (?:to|and) approve)|\bimpersonat|\b(?:use|borrow)\b[^.?!]{0,8}\b(?:his|her|their|",
                r"someone(?: else)?'s|another user's|my (?:boss|supervisor|manager|colleague)'s|[a-z]+'s) ",
                r"(?:account|login|password|badge|card)",
                r"|\bwhat (?:did|has) (?!the |it |line |machine |i |we |you )[a-z]+(?: [a-z]+)? ",
                r"(?:ask|asked|say to you|tell you|search)",
            )
        ),
        Near(
            words("看|查|给我|告诉|显示|列出|导出|发给|泄露|是什么|多少|获取|调出|破解|猜"),
            words("密码|口令|凭据|凭证|密钥|api ?key|令牌|登录信息"),
            unless=words("我的|自己的|怎么(?:重置|修改|改)|忘记"),
            unless_after=words("规则|规定|策略|要求|长度|位数|复杂度|有效期|过期"),
        ),
        Near(
            words("其他用户|别的用户|其他人|别人|他人|同事|所有用户|所有人|其他操作员|其他工程师|其他员工|某某"),
            words(ZH_PRIVATE),
            both_orders=False,
        ),
        Phrase(
            words(
                "(?:用|借用|冒用|盗用)(?:他|她|别人|同事|主管|经理|领导|[\u4e00-\u9fff]{2,3})的(?:账号|帐号|工卡|密码"
                "|身份)",
                "|冒充|(?<!我)(?!我)(?:[\u4e00-\u9fff]{2,3})(?:问过|问了)(?:你)?(?:什么|哪些)|(?:[\u4e00-\u9fff]{2,3})的(?:聊天记录"
                "|对话记录|会话|工资|薪资|",
                "手机号|身份证|家庭住址)",
            ),
            unless=words("我的|自己的"),
        ),
    ),
)

# The order decides which reason is given when a request falls under two categories.
CATEGORIES: tuple[Category, ...] = (
    _SAFETY_BYPASS,
    _ALARM_SUPPRESSION,
    _NONCONFORMING_RELEASE,
    _RECORD_TAMPERING,
    _APPROVAL_BYPASS,
    _CONTROL_WRITE,
    _PRIVACY,
)
