"""Every string the operator console shows, in English and Chinese."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang", "t"]

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

_STRINGS: dict[str, tuple[str, str]] = {
    "title": ("Andon operator console", "Andon 操作员控制台"),
    "subtitle": (
        "Ask about production, quality, maintenance, equipment, supply chain and procedures.",
        "询问生产、质量、维护、设备、供应链和作业规程。",
    ),
    "login_title": ("Sign in", "登录"),
    "username": ("User", "用户名"),
    "password": ("Password", "密码"),
    "login": ("Sign in", "登录"),
    "logout": ("Sign out", "退出"),
    "login_failed": ("Unknown user or wrong password.", "用户名或密码错误。"),
    "signed_in_as": ("Signed in as {user} ({role})", "当前用户 {user}（{role}）"),
    "language": ("Language / 语言", "Language / 语言"),
    "tab_chat": ("Chat", "对话"),
    "tab_knowledge": ("Knowledge", "知识库"),
    "tab_evals": ("Evaluations", "评测"),
    "tab_audit": ("Audit", "审计"),
    "chatbot": ("Conversation", "对话"),
    "question": ("Your question", "您的问题"),
    "question_placeholder": ("e.g. What was the OEE of line 2 yesterday?", "例如：2号线昨天的OEE是多少？"),
    "send": ("Ask", "提问"),
    "new_chat": ("New conversation", "新对话"),
    "examples": ("Example questions", "示例问题"),
    "evidence": ("Evidence", "依据"),
    "no_evidence": ("No evidence yet.", "暂无依据。"),
    "chart": ("Chart", "图表"),
    "table": ("Data", "数据"),
    "trace_title": ("Trace: {agents}", "过程：{agents}"),
    "tool_line": ("Tool {name}", "工具 {name}"),
    "proposal_title": ("Proposed action awaiting approval", "待审批的操作提议"),
    "proposal_made": (
        "Proposed #{id}: {title}. Nothing has been changed; it waits for approval.",
        "已提出提议 #{id}：{title}。尚未做任何更改，等待审批。",
    ),
    "proposal_none": ("No proposal waiting.", "没有待审批的提议。"),
    "approve": ("Approve", "批准"),
    "reject": ("Reject", "驳回"),
    "reject_reason": ("Reason for rejecting", "驳回原因"),
    "not_permitted_approve": (
        "Your role may not approve this action; a {role} or above must decide.",
        "您的角色无权批准此操作，需要{role}或更高角色审批。",
    ),
    "feedback_comment": ("Comment on the last answer (optional)", "对上一条回答的意见（可选）"),
    "feedback_saved": ("Thank you, feedback saved.", "谢谢，反馈已保存。"),
    "upload": ("Upload documents", "上传文档"),
    "ingest": ("Ingest", "入库"),
    "documents": ("Documents", "文档"),
    "refresh": ("Refresh", "刷新"),
    "remove_doc": ("Remove document (id)", "删除文档（编号）"),
    "remove": ("Remove", "删除"),
    "suite": ("Suite", "评测集"),
    "run_eval": ("Run evaluation", "运行评测"),
    "card": ("Classification & grading card", "分类分级卡"),
    "report": ("Report", "报告"),
    "compare_a": ("Run A", "运行 A"),
    "compare_b": ("Run B", "运行 B"),
    "compare": ("Compare runs", "比较运行"),
    "audit_recent": ("Recent tool calls, proposals and decisions", "最近的工具调用、提议与审批"),
    "audit_denied": ("The audit log is for supervisors and above.", "审计日志仅主管及以上角色可见。"),
    "knowledge_denied": ("Uploading documents needs an engineer or above.", "上传文档需要工程师或更高角色。"),
    "evals_denied": ("Running evaluations needs an engineer or above.", "运行评测需要工程师或更高角色。"),
    "working": ("Working…", "处理中…"),
    "turn_done": ("Done", "完成"),
    "error": ("Error: {message}", "错误：{message}"),
}


def t(lang: Lang, key: str, **values: str) -> str:
    """The string `key` in `lang`, with `{placeholders}` filled."""
    english, chinese = _STRINGS[key]
    text = chinese if lang == "zh" else english
    return text.format(**values) if values else text


def keys() -> list[str]:
    """Every string key (for the language switch and its test)."""
    return list(_STRINGS)
