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
    "login_locked": (
        "Too many sign-in attempts; try again in {minutes} min.",
        "登录尝试次数过多，请 {minutes} 分钟后再试。",
    ),
    "session_expired": ("Your sign-in has expired; please sign in again.", "登录已过期，请重新登录。"),
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
    "download_csv": ("Download CSV", "下载 CSV"),
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
    "proposal_already_pending": (
        "This request is already pending as proposal #{id}: {title}. Nothing new was created; it waits for approval.",
        "已有待审批的提案 #{id}：{title}。未重复创建，等待审批。",
    ),
    "tab_approvals": ("Approvals", "审批"),
    "approvals_waiting": ("{count} proposal(s) wait for your decision.", "有 {count} 项提议等待您审批。"),
    "approvals_none": ("No proposal waits for your decision.", "没有等待您审批的提议。"),
    "approvals_choice": ("Proposal to decide", "要审批的提议"),
    "approvals_pick": ("Choose a proposal in the list first.", "请先在列表中选择一项提议。"),
    "reason_needed": (
        "A rejection needs a reason: write it in the reason box.",
        "驳回需要说明理由，请在理由框中填写。",
    ),
    "decided_executed": ("✓ Approved #{id}: {title}. {result}", "✓ 已批准 #{id}：{title}。{result}"),
    "decided_failed": ("✗ Approved #{id}, but the execution failed: {result}", "✗ 已批准 #{id}，但执行失败：{result}"),
    "decided_rejected": ("Rejected #{id}: {title}. Reason: {reason}", "已驳回 #{id}：{title}。理由：{reason}"),
    "already_decided": (
        "Proposal #{id} is no longer pending: {status} by {who}. Nothing was changed now.",
        "提议 #{id} 已不再待审批：已由 {who} {status}。本次未做任何更改。",
    ),
    "decision_refused": ("✗ Not decided: {message}", "✗ 未能审批：{message}"),
    "requested_line": ("Requested by {user} ({role}) at {at}", "由 {user}（{role}）于 {at} 提出"),
    "approver_line": ("Needs {role} or above to decide", "需要{role}或以上角色审批"),
    "col_id": ("#", "编号"),
    "col_requested": ("Requested", "提出时间"),
    "col_by": ("By", "提出人"),
    "col_title": ("Proposal", "提议"),
    "col_reason": ("Reason", "原因"),
    "col_approver": ("Approver", "审批角色"),
    "status_executed": ("approved and executed", "批准并执行"),
    "status_failed": ("approved (execution failed)", "批准（执行失败）"),
    "status_rejected": ("rejected", "驳回"),
    "status_approved": ("approved", "批准"),
    "status_pending": ("pending", "待审批"),
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
