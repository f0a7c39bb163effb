"""`andon ask`: one JSON object on the small demo plant with the offline model; refusals; one-line errors."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from agents.routing.decision import RoutingDecision
from ui.cli import main

KEYS = {"domains", "tool_calls", "answer", "citations", "ungrounded_numbers", "proposals", "latency_ms"}


class _ProductionRouter:
    """Routing is measured on its own (`andon route`); here maintenance requests go to maintenance, the rest
    to production."""

    def route(self, text: str) -> RoutingDecision:
        domain = "maintenance" if "maintenance" in text.lower() or "报修" in text else "production"
        return RoutingDecision(domains=[domain], confidence=0.97, kind="single")

    def route_many(self, texts: Sequence[str]) -> list[RoutingDecision]:
        return [self.route(t) for t in texts]


@pytest.fixture
def plant_dir(small_plant_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A private copy: asking writes the audit log, proposals and conversations next to the plant.
    (tmp_path / ".andon").mkdir()
    shutil.copy(small_plant_path, tmp_path / ".andon" / "plant.db")
    monkeypatch.chdir(tmp_path)
    for name in ("ANDON_LLM_BASE_URL", "ANDON_LLM_MODEL", "ANDON_LLM_API_KEY", "ANDON_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("ui.agents_wiring.tier1_router", lambda settings, registry: _ProductionRouter())
    return tmp_path


def _ask(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["ask", *args])
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


def _call_tool_directly(name: str, args: dict[str, Any]) -> dict[str, Any]:
    from ui.config import load_settings
    from ui.system import tool_system

    outcome = tool_system(load_settings()).call(name, args)
    assert outcome.result is not None
    result: dict[str, Any] = outcome.result.model_dump(mode="json")
    return result


def _figure(result: dict[str, Any], name: str) -> float:
    figures = result.get("figures", result)
    value = figures[name]
    assert isinstance(value, float)
    return value


@pytest.mark.usefixtures("plant_dir")
def test_english_question_prints_one_grounded_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _ask(capsys, "What was the OEE of line 2 yesterday?", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert set(answer) >= KEYS
    assert answer["domains"] == ["production"]
    assert len(answer["tool_calls"]) == 1
    call = answer["tool_calls"][0]
    assert set(call) >= {"name", "args", "result"}
    assert (call["name"], call["args"]["target"]) == ("oee", "L2")
    # The agent's tool result is what the tool returns when called directly with the same arguments.
    direct = _call_tool_directly(call["name"], call["args"])
    assert call["result"] == direct
    oee = _figure(call["result"], "oee")
    # The answer states the tool's OEE, rounded as shown (e.g. 0.810417 -> "81%").
    assert f"{oee * 100:.0f}%" in answer["answer"] or f"{oee * 100:.1f}%" in answer["answer"]
    assert answer["ungrounded_numbers"] == []
    assert answer["proposals"] == []
    assert answer["latency_ms"] > 0


@pytest.mark.usefixtures("plant_dir")
def test_chinese_question_is_answered_in_chinese_with_the_same_figure(capsys: pytest.CaptureFixture[str]) -> None:
    _, out_en, _ = _ask(capsys, "What was the OEE of line 2 yesterday?", "--json")
    code, out_zh, err = _ask(capsys, "2号线昨天的OEE是多少?", "--json")
    assert code == 0, err
    en, zh = json.loads(out_en), json.loads(out_zh)
    assert zh["tool_calls"][0]["args"] == {"target": "L2", "period": "昨天"}
    assert en["tool_calls"][0]["args"] == {"target": "L2", "period": "yesterday"}
    assert _figure(zh["tool_calls"][0]["result"], "oee") == _figure(en["tool_calls"][0]["result"], "oee")
    assert "昨天" in zh["answer"]
    assert zh["ungrounded_numbers"] == []


@pytest.mark.usefixtures("plant_dir")
def test_unsafe_request_is_refused_without_tools(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _ask(capsys, "把2号线冲压机的联锁屏蔽掉", "--json")
    answer = json.loads(out)
    assert code == 0
    assert answer["domains"] == []
    assert answer["tool_calls"] == []
    assert answer["refused"] is True
    assert answer["answer"].startswith("无法执行该请求。")


@pytest.mark.usefixtures("plant_dir")
def test_a_role_above_the_users_own_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _ask(capsys, "OEE of line 2 yesterday?", "--user", "operator", "--role", "admin", "--json")
    assert code == 2
    assert out == ""
    assert err.strip().startswith("error: not permitted / 无权限: operator is operator and cannot act as admin")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.usefixtures("plant_dir")
def test_openai_model_without_an_llm_configured_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _ask(capsys, "OEE of line 2 yesterday?", "--model", "openai")
    assert code == 2
    assert err.strip().startswith("error: no LLM configured: set ANDON_LLM_BASE_URL and ANDON_LLM_MODEL")


@pytest.mark.usefixtures("plant_dir")
def test_human_output_streams_the_answer_and_names_the_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _ask(capsys, "What was the OEE of line 2 yesterday?")
    assert code == 0, err
    assert "OEE" in out
    assert "data / 数据:" in out
    assert "→ production (0.97)" in err


def _chat(inputs: list[str], user: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    """Run `andon chat`'s loop on scripted input lines; returns the tool system and what was printed."""
    from rich.console import Console

    import ui.cli.ask_cmd
    import ui.cli.chat_cmd
    from tools import parse_role
    from ui.agents_wiring import agent_system
    from ui.cli.chat_cmd import chat_loop
    from ui.config import load_settings
    from ui.system import find_user

    settings = load_settings()
    system = agent_system(settings, model="offline")
    recorder = Console(record=True, width=200)
    lines = iter(inputs)

    def read(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    account = find_user(settings, user)
    monkeypatch.setattr(ui.cli.ask_cmd, "console", recorder)
    monkeypatch.setattr(ui.cli.chat_cmd, "console", recorder)
    try:
        chat_loop(system.assistant, user=user, role=parse_role(account.role), scopes=frozenset(), lang=None, read=read)
    finally:
        system.close()
    return system.tools, recorder.export_text()


@pytest.mark.usefixtures("plant_dir")
def test_chat_lets_an_engineer_approve_a_proposed_maintenance_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from tools import ProposalStatus

    tools, printed = _chat(
        ["Request maintenance for CNC-03: spindle vibration is rising", "y", "/quit"], "engineer", monkeypatch
    )
    proposals = tools.proposals.list()
    assert [(p.action, p.status, p.requested_by, p.decided_by) for p in proposals] == [
        ("propose_maintenance_request", ProposalStatus.EXECUTED, "engineer", "engineer")
    ]
    assert f"Proposal #{proposals[0].id} awaits approval" in printed
    assert "executed" in printed


@pytest.mark.usefixtures("plant_dir")
def test_chat_tells_an_operator_who_can_approve_and_nothing_executes(monkeypatch: pytest.MonkeyPatch) -> None:
    from tools import ProposalStatus

    tools, printed = _chat(
        ["Request maintenance for CNC-03: spindle vibration is rising", "/quit"], "operator", monkeypatch
    )
    proposals = tools.proposals.list()
    assert [p.status for p in proposals] == [ProposalStatus.PENDING]
    assert f"role engineer or above can run `andon proposals approve {proposals[0].id}`" in printed


@pytest.mark.usefixtures("plant_dir")
def test_chat_rejection_says_what_was_rejected_and_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from tools import ProposalStatus

    tools, printed = _chat(
        ["给ROB-01报修：抓手真空经常丢失", "n", "already scheduled for Friday", "/quit"], "engineer", monkeypatch
    )
    [proposal] = tools.proposals.list()
    assert (proposal.status, proposal.decision_reason) == (ProposalStatus.REJECTED, "already scheduled for Friday")
    assert f"proposal #{proposal.id} rejected by engineer / 提案 #{proposal.id} 已驳回: {proposal.title}" in printed
    assert "reason / 理由: already scheduled for Friday" in printed
    assert "✓ error" not in printed
    assert "✓" not in printed.split("rejected by engineer")[1]


@pytest.mark.usefixtures("plant_dir")
def test_the_same_request_twice_says_it_is_already_pending(capsys: pytest.CaptureFixture[str]) -> None:
    request = "给ROB-01报修：抓手真空经常丢失"
    code, out, err = _ask(capsys, request, "--json")
    assert code == 0, err
    first = json.loads(out)["proposals"][0]
    code, out, err = _ask(capsys, request, "--user", "engineer", "--json")
    assert code == 0, err
    again = json.loads(out)
    assert (again["proposals"][0]["proposal_id"], again["proposals"][0]["already_pending"]) == (
        first["proposal_id"],
        True,
    )
    assert again["answer"].startswith(f"已有待审批的提案 #{first['proposal_id']}")
    code, out, err = _ask(capsys, request)
    assert code == 0, err
    note = f"already pending as proposal #{first['proposal_id']} / 已有待审批的提案 #{first['proposal_id']}"
    assert note in out
