"""The words the safety rules are built from: safety devices, records, held material, and the verbs that act on them.

Each is a pattern over normalised text (see `matching.normalize`); `rules.py` pairs them into the category table.
"""

from __future__ import annotations

from agents.safety.matching import words

__all__ = [
    "EN_ALARM",
    "EN_CONVERSATION",
    "EN_DEFEAT",
    "EN_DEFEAT_BEFORE",
    "EN_DESTROY",
    "EN_DESTROY_REQUEST",
    "EN_DEVICE",
    "EN_HELD",
    "EN_HELD_WORDS",
    "EN_NOT_A_REQUEST",
    "EN_PASS",
    "EN_PRIVATE",
    "EN_PROCEDURE_BEFORE",
    "EN_RECORD",
    "EN_RELEASE",
    "EN_STATED_AFTER",
    "EN_SWITCH_OFF",
    "ZH_ALARM",
    "ZH_CONVERSATION",
    "ZH_DEFEAT",
    "ZH_DESTROY",
    "ZH_DESTROY_REQUEST",
    "ZH_DEVICE",
    "ZH_DEVICE_NOT_DOOR",
    "ZH_HELD",
    "ZH_NOT_A_REQUEST",
    "ZH_PRIVATE",
    "ZH_QUESTION_AFTER",
    "ZH_RECORD",
    "ZH_RELEASE",
    "ZH_SWITCH_OFF",
]

# Past-tense or reporting questions and prohibitions: "did we ship ...", "never bypass ...", "禁止短接".
EN_NOT_A_REQUEST = words(
    r"\b(?:did|was|were|who|why|how many|how much|how often)\b|\bha(?:s|ve|d) (?:anyone|anybody|someone|we|you|they"
    r"|the)\b",
    r"|(?:\bnever|\bnot|n't|\bprohibited from|\bforbidden to|\b(?:no one|nobody) (?:may|must|should|can)) (?:to )?"
    r"(?:ever )?$|\b(?:we|i|they|someone) (?:found|noticed|spotted)\b",
)
# After the match: "... is forbidden", "what is needed to release ...", "the policy on sharing passwords".
EN_STATED_AFTER = words(
    r"\b(?:is|are) (?:forbidden|prohibited|not allowed|banned|a (?:\w+ )?offen[cs]e)\b|\bpolic(?:y|ies)\b"
    r"|\b(?:allowed|permitted)\b"
)
EN_PROCEDURE_BEFORE = words(
    r"\bwhat (?:is|'s|are) (?:needed|required)\b|\b(?:requirements?|conditions?|criteria) (?:for|to)\b"
)
# Chinese asks "how many" after the verb: "上周放行了多少批隔离品".
ZH_QUESTION_AFTER = words(
    "多少|几次|几批|几件|哪些|原因|数量|次数|比例|记录了吗|为什么|为何|怎么会|需要什么|什么条件|流程是|哪里|在哪"
)
ZH_NOT_A_REQUEST = words(
    "有没有|是否有|多少|哪些|几次|几批|几件|为什么|为何|谁|禁止|严禁|不得|不准|不许|切勿|请勿|不可以|绝不|绝对不|永远不"
    "|(?<!能)不能|千万不要|千万别|发现"
)
# --- safety devices and what defeats them --------------------------------------------------------------------------
EN_DEVICE = words(
    r"interlock|light curtain|safety (?:guard|switch|relay|sensor|circuit|plc|function|device|system|door|gate|mat"
    r"|light|valve|pin)",
    r"|\bestop|emergency stop|guard door|guard switch|machine guard|\bguarding|lockout|\bloto\b|tagout",
    r"|two ?hand (?:control|button|start)|safety scanner|area scanner|door switch|presence sensor|pull ?cord",
    r"|rope switch|(?:pressure )?relief valve|pressure relief|rupture dis[ck]|burst dis[ck]|limit switch|overtravel",
)
EN_DEFEAT = words(
    r"\bbypass|\bdisabl|\boverrid|\bdefeat|\bjumper|\bjump out|\bshort(?:ing)? (?:out|circuit)|\bshortcircuit",
    r"|\bshort(?:ing)? the\b|\bbridg(?:e|ing)|\bwire (?:around|out|past)|\bcircumvent|\bget around|\bwork around",
    r"|\bblank(?:ing)? out|\btap(?:e|ing)\b",
    r"|\btie (?:down|back|up)|\bzip ?tie|\bcable ?tie|\bwedg|\bpin (?:open|down)|\bplug(?! ?in)|\bcap off",
    r"|\bgag|\bcheat|\bspoof|\bfool|\btrick",
)
EN_DEFEAT_BEFORE = words(r"\bskip|\bignore|\bremov|\btake off|\bforce|\bsilence")
# "turn off the press with the e-stop" is how a press is stopped, so switching off needs the device right after.
EN_SWITCH_OFF = words(r"\bturn(?:ing)? off|\bswitch(?:ing)? off|\bdeactivat|\bmute|\bshut off")
ZH_DEVICE = words(
    "联锁|互锁|连锁保护|光栅|光幕|急停|安全装置|安全防护|防护罩|安全开关|安全继电器|挂牌上锁|上锁挂牌|安全回路"
    "|安全光电",
    "|双手按钮|双手启动|双手控制|安全plc|安全传感器|门开关|安全地毯|安全垫|安全扫描|安全阀|泄压阀|爆破片|拉绳开关",
    "|安全门锁|安全插销|限位开关|防护栏|安全门|防护门",
)
ZH_DEFEAT = words(
    "绕过|绕开|旁路|屏蔽(?!功能)|短接|跨接|跳线|短路|解除|禁用|停用|跳过|拆除|拆掉|拆了|拔掉|忽略|骗过|糊弄|失效|不要管|别管",
    "|去掉|摘掉|绑住|绑死|扎住|捆住|用胶带|胶带粘|堵住|堵死|焊死|封死|顶死|假插|插片骗",
)
# "关闭安全门" means closing a door, so switching off applies to devices without doors only.
ZH_DEVICE_NOT_DOOR = words(
    "联锁|互锁|光栅|光幕|急停|安全装置|安全开关|安全继电器|安全回路|安全光电|双手按钮|安全plc|安全传感器|安全扫描"
)
ZH_SWITCH_OFF = words("关闭|关掉|关了|取消|强制")
# --- alarms and audit logging --------------------------------------------------------------------------------------
EN_ALARM = words(r"\balarms?\b|\balarm (?:system|horn|logging)|\bwarnings?\b|\baudit (?:log|trail|logging)|\blogging\b")
ZH_ALARM = words("报警|告警|警报|报警记录|审计日志|审计记录|操作日志|日志记录")
# --- held material and what releases it ----------------------------------------------------------------------------
EN_HELD_WORDS = (
    r"\bquarantin|\bon ?hold\b|\bheld\b|\bhold tag|\bnon ?conform|\bnonconform|\brejected|\brejects\b|\bscrap(?:ped)? "
    r"|\bblocked (?:stock|lot|batch|parts)|\bsuspect|\bfailed (?:parts|lots?|batch|units)|\bred ?tag|\bncr\b"
    r"|\bout of spec|\bdefective"
)
EN_HELD = words(EN_HELD_WORDS)
EN_RELEASE = words(
    r"\bship|\brelease|\bdispatch|\bdeliver|\bsend (?:out|to)|\bsell|\bput (?:back|into)|\bmix (?:in|into)|\bsneak",
    r"|\bslip\b|\bpass on\b|\bload\b",
)
ZH_HELD = words("隔离|冻结|扣留|不合格|待判|待处理|报废品|报废件|不良品|次品|可疑|红牌|挂起|hold|超差")
ZH_RELEASE = words(
    "放行|发货|发出|发走|出货|发给客户|交付|交货|入库|转入|流入|流到|混入|混进|偷偷|装车|卖掉|出厂|用掉|直接用|照用"
)
# --- records and what falsifies them -------------------------------------------------------------------------------
# Verbs in the forms that ask for an act ("delete", "deleting"), not the forms that describe a record
# ("deleted work orders", "deletions"): a question about deleted records is a read.
EN_DESTROY = words(
    r"\bdelet(?:e|es|ing)\b|\beras(?:e|ing)\b|\bwip(?:e|ing)\b|\bpurg(?:e|ing)\b|\btruncat(?:e|ing)\b"
    r"|\bdrop (?:the )?table|\bfalsif(?:y|ying)\b|\bfak(?:e|ing)\b|\bforg(?:e|ing)\b",
    r"|\bfabricat(?:e|ing)\b|\btamper(?:ing)? with|\bback ?dat(?:e|ing)\b|\bpre ?dat(?:e|ing)\b|\bdoctor(?:ing)?\b"
    r"|\bcook(?:ing)? the|\bmanipulat(?:e|ing)\b|\bcover(?:ing)? up|\bhid(?:e|ing)\b",
    r"|\bscrub(?:bing)?\b|\bget rid of|\balter(?:ing)?\b|\brewrit(?:e|ing)\b|\bdestroy(?:ing)?\b"
    r"|\bclear (?:out )?(?:all|the)|\bfudg(?:e|ing)\b|\bmassag(?:e|ing)\b|\bmake up|\bpencil ?whip",
)
# A request to destroy something, told by its grammar, not by what is destroyed: the plant's data has no
# delete operation, so an order to delete anything is a write. English: the verb as an order at the start
# of a clause ("delete ...", "pls wipe ...", "can you purge ...", "..., then erase them"). Chinese: the
# verb not describing a record (删除的记录), or 把/将 ... 删了.
EN_DESTROY_REQUEST = words(
    r"(?:^|[,;:.!] |\b(?:and|then|now|just|pls|plz|please|can you|could you|would you|go ahead and|i want you to"
    r"|i need you to|you should|let's) )",
    r"(?:delete|erase|wipe(?: out)?|purge|truncate|destroy|nuke|remove (?:all|every)|get rid of (?:all|every))\b",
)
# What the conversation itself holds (the chat, a question just asked) is not plant data.
EN_CONVERSATION = words(r"\b(?:this |that |my |the )?(?:question|message|chat|conversation|prompt|draft)s?\b")
ZH_CONVERSATION = words("聊天|对话|会话|消息|这个问题|刚才的问题|输入框|草稿")
ZH_DESTROY_REQUEST = words(
    "(?:删除|删掉|删光|删干净|删去|清空|抹掉|抹去|销毁)(?!的|过|了的)|(?:把|将|给我|帮我)[^。？！?]{0,30}?删了(?!的)"
)
EN_RECORD = words(
    r"\brecords?\b|\blogs?\b|\baudit|\binspection|\bcalibration|\bhistory\b|\bentries\b|\bdata\b|\bdatabase"
    r"|\breports?\b",
    r"|\bmeasurements?\b|\breadings?\b|\bresults?\b|\bdowntime events?|\bscrap\b|\bdefects?\b|\bspc\b|\bcontrol chart",
    r"|\bcertificates?\b|\bwork orders?\b|\btrail\b|\bcheck ?(?:sheet|list)s?\b|\bsignatures?\b|\btimestamps?\b"
    r"|\bcpk\b",
)
EN_PASS = r"(?:pass(?:ed)?|ok|good|conforming|compliant|in spec|within spec|green|accepted|calibrated|inspected|done)"
# "删除的记录" (deleted records) describes a record; the verb followed by 的 is not a request.
ZH_DESTROY = words(
    "(?:删除|删掉|删了|删光|清除|清空|抹掉|抹去|销毁|(?<!防)篡改|伪造|造假|做假|编造|隐瞒|瞒报|修改|改掉|改一下|改成|改为|改小"
    "|改低",
    "|改好看|涂改|抹平|隐藏|倒签|补录假|补记录|补填|补签|补写|后补|凑数|美化)(?!的|过的|了的)",
)
ZH_RECORD = words(
    "记录|数据|日志|审计|检验|报告|台账|履历|报表|结果|停机事件|报废数|不良|缺陷|spc|证书|点检表|追溯|校准|保养单|签字"
)
# --- other people's data -------------------------------------------------------------------------------------------
EN_PRIVATE = (
    r"chats?|conversations?|messages?|history|sessions?|salar\w*|pay ?slips?|personal \w+|private \w+|data|questions?"
    r"|phone numbers?|(?:home )?address\w*|emails?|passwords?|accounts?|proposals they|id numbers?"
)
ZH_PRIVATE = (
    "数据|记录|聊天|对话|历史|提问|问题|会话|工资|薪资|薪水|个人信息|电话|手机号|地址|邮箱|账号|帐号|密码|隐私|身份证"
)
