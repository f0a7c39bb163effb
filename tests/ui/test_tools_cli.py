"""`andon tools | proposals | audit`: list, describe and call tools as a user; decide proposals; check the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session

from ui.cli import main

DEMO_ARGS = {"target": "L2", "period": "yesterday"}
REPAIR_ARGS = {"equipment": "CNC-03", "problem": "Spindle vibration rising"}


@pytest.fixture(scope="module")
def plant_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory holding the small demo plant in ./.andon, as after `andon db seed --scale small`."""
    from connectors import DatabaseConfig, open_engine, seed_plant

    root = tmp_path_factory.mktemp("cli")
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{root / '.andon' / 'plant.db'}"))
    seed_plant(engine, scale="small", seed=7)
    engine.dispose()
    return root


@pytest.fixture
def plant(plant_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(plant_dir)
    for name in ("ANDON_DATA_HOME", "ANDON_DATABASE_URL", "ANDON_TOOLS_ALLOW", "ANDON_USERS", "ANDON_DEFAULT_USER"):
        monkeypatch.delenv(name, raising=False)
    return plant_dir


def andon(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_list_json_describes_every_tool(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = andon(capsys, "tools", "list", "--json")
    listed = json.loads(out)
    assert code == 0
    assert listed["broken"] == []
    names = [item["name"] for item in listed["tools"]]
    assert "oee" in names
    assert {item["domain"] for item in listed["tools"]} == {
        "production",
        "quality",
        "maintenance",
        "equipment",
        "supply_chain",
        "knowledge",
    }
    oee = next(item for item in listed["tools"] if item["name"] == "oee")
    assert set(oee) >= {
        "name",
        "domain",
        "permission",
        "description",
        "description_zh",
        "examples",
        "parameters",
        "source",
    }
    assert (oee["permission"], oee["source"]) == ("read", "builtin")
    assert "target" in oee["parameters"]["properties"]
    assert [item["name"] for item in listed["tools"] if item["permission"] == "write"] == [
        "propose_maintenance_request"
    ]


def test_list_filters_by_domain(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = andon(capsys, "tools", "list", "--json", "--domain", "knowledge")
    assert [item["name"] for item in json.loads(out)["tools"]] == ["search_documents"]


def test_describe_shows_descriptions_and_parameters(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = andon(capsys, "tools", "describe", "oee", "--json")
    described = json.loads(out)
    assert code == 0
    assert described["name"] == "oee"
    assert described["sample_args"] == DEMO_ARGS


def test_describe_in_text_labels_every_line_in_both_languages(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = andon(capsys, "tools", "describe", "oee")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "oee  (production, read, source / 来源 builtin)"
    assert f"sample call / 示例调用: andon tools call oee --args '{json.dumps(DEMO_ARGS)}'" in " ".join(out.split())
    assert {"examples / 示例:", "parameters / 参数:"} <= set(lines)


def test_an_unknown_tool_is_one_line_with_a_suggestion(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = andon(capsys, "tools", "describe", "oe")
    assert code == 2
    assert err.strip() == "error: unknown tool 'oe' / 未知工具 'oe'; did you mean oee? / 您是否要找 oee?"


def test_call_prints_the_same_result_as_invoking_the_tool(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from connectors import plant_clock
    from tools import AuditLog, Role, ToolContext, invoke, load_registry
    from ui.config import load_settings
    from ui.system import open_plant

    code, out, _ = andon(capsys, "tools", "call", "oee", "--args", json.dumps(DEMO_ARGS), "--json")
    printed = json.loads(out)
    assert (code, printed["status"]) == (0, "ok")
    with Session(open_plant(load_settings())) as session:
        ctx = ToolContext(user="x", role=Role.OPERATOR, session=session, clock=plant_clock(session))
        direct = invoke(load_registry().get("oee"), ctx, DEMO_ARGS, audit=AuditLog(plant / "other-audit.jsonl"))
    assert printed["result"] == direct.to_dict()["result"]


def test_calls_are_audited_as_the_default_user(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    andon(capsys, "tools", "call", "oee", "--args", json.dumps(DEMO_ARGS))
    _, out, _ = andon(capsys, "audit", "tail", "-n", "1", "--json")
    [entry] = json.loads(out)
    assert (entry["user"], entry["role"], entry["tool"], entry["outcome"], entry["arguments"]) == (
        "operator",
        "operator",
        "oee",
        "ok",
        DEMO_ARGS,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--args", "{line: L2}"], "error: --args is not valid JSON"),
        (["--args", "[1]"], "error: --args must be a JSON object"),
        (
            ["--args", '{"target": "L2", "bogus": 1}'],
            "error: invalid: invalid arguments for oee / 参数无效: unknown argument 'bogus'",
        ),
        (["--args", json.dumps(DEMO_ARGS), "--user", "nobody"], "error: unknown user 'nobody' / 未知用户"),
        (
            ["--args", json.dumps(DEMO_ARGS), "--role", "admin"],
            "error: not permitted / 无权限: operator is operator and cannot act as admin",
        ),
        (
            ["--args", json.dumps(DEMO_ARGS), "--user", "operator-l1"],
            "error: denied: not permitted / 无权限: operator-l1 may only see L1",
        ),
    ],
)
def test_bad_calls_fail_with_one_line(
    plant: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = andon(capsys, "tools", "call", "oee", *args)
    assert code == 2
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_lower_role_may_be_chosen(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = andon(
        capsys, "tools", "call", "oee", "--args", json.dumps(DEMO_ARGS), "--user", "admin", "--role", "operator"
    )
    _, out, _ = andon(capsys, "audit", "tail", "-n", "1", "--json")
    assert code == 0
    assert (json.loads(out)[0]["user"], json.loads(out)[0]["role"]) == ("admin", "operator")


def _propose(capsys: pytest.CaptureFixture[str]) -> int:
    code, out, _ = andon(
        capsys, "tools", "call", "propose_maintenance_request", "--args", json.dumps(REPAIR_ARGS), "--json"
    )
    printed = json.loads(out)
    assert (code, printed["status"], printed["proposal"]["status"]) == (0, "proposed", "pending")
    return int(printed["proposal"]["id"])


def test_a_proposal_is_approved_by_a_permitted_user_only_once(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proposal_id = _propose(capsys)
    _, out, _ = andon(capsys, "proposals", "list", "--status", "pending", "--json")
    assert proposal_id in [item["id"] for item in json.loads(out)]

    code, _, err = andon(capsys, "proposals", "approve", str(proposal_id))
    assert code == 2
    assert err.startswith("error: not permitted / 无权限: approving propose_maintenance_request needs role engineer")

    code, out, _ = andon(capsys, "proposals", "approve", str(proposal_id), "--user", "engineer", "--json")
    approved = json.loads(out)
    assert (code, approved["status"], approved["decided_by"]) == (0, "executed", "engineer")
    assert approved["result_summary"]

    code, _, err = andon(capsys, "proposals", "approve", str(proposal_id), "--user", "supervisor")
    assert code == 2
    assert err.startswith(f"error: proposal {proposal_id} is already executed")


def test_a_proposal_is_rejected_with_a_reason(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proposal_id = _propose(capsys)
    code, _, err = andon(capsys, "proposals", "reject", str(proposal_id), "--user", "engineer")
    assert code == 2
    assert "--reason" in err
    code, out, _ = andon(
        capsys,
        "proposals",
        "reject",
        str(proposal_id),
        "--reason",
        "duplicate of MWO-1",
        "--user",
        "engineer",
        "--json",
    )
    rejected = json.loads(out)
    assert (code, rejected["status"], rejected["decision_reason"]) == (0, "rejected", "duplicate of MWO-1")


def test_proposals_list_refuses_an_unknown_status(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = andon(capsys, "proposals", "list", "--status", "done")
    assert code == 2
    assert err.startswith(
        "error: --status: unknown status 'done'; allowed: pending, approved, rejected, executed, failed"
    )


def test_audit_verify_passes_then_detects_tampering(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    andon(capsys, "tools", "call", "oee", "--args", json.dumps(DEMO_ARGS))
    code, out, _ = andon(capsys, "audit", "verify")
    assert code == 0
    assert out.startswith("audit log ok / 审计日志完好:")
    log = plant / ".andon" / "audit.jsonl"
    original = log.read_text(encoding="utf-8")
    try:
        log.write_text(original.replace('"outcome":"ok"', '"outcome":"denied"', 1), encoding="utf-8")
        code, _, err = andon(capsys, "audit", "verify")
        assert code == 1
        assert "was modified" in err
    finally:
        log.write_text(original, encoding="utf-8")


def test_a_rejection_prints_what_was_rejected_and_the_reason(plant: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proposal_id = _propose(capsys)
    code, out, err = andon(
        capsys, "proposals", "reject", str(proposal_id), "--reason", "scheduled for Friday", "--user", "engineer"
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"proposal #{proposal_id} rejected by engineer / 提案 #{proposal_id} 已驳回: "
        "Maintenance request for CNC-03 (normal) / 3号数控加工中心 维修申请",
        "  reason / 理由: scheduled for Friday",
    ]
    assert "✓" not in out
    code, out, err = andon(capsys, "proposals", "reject", str(proposal_id), "--reason", "again", "--user", "engineer")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"error: proposal {proposal_id} is already rejected")


def test_calling_a_write_tool_twice_returns_the_pending_proposal(
    plant: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = {"equipment": "CNC-03", "problem": "coolant leak at the spindle"}
    _, out, _ = andon(capsys, "tools", "call", "propose_maintenance_request", "--args", json.dumps(args), "--json")
    first = json.loads(out)["proposal"]["id"]
    code, out, _ = andon(capsys, "tools", "call", "propose_maintenance_request", "--args", json.dumps(args))
    assert code == 0
    note = f"already pending as proposal #{first} / 已有待审批的提案 #{first}"
    assert out.startswith(f"{note}: Maintenance request for CNC-03")
    code, out, _ = andon(capsys, "tools", "call", "propose_maintenance_request", "--args", json.dumps(args), "--json")
    again = json.loads(out)
    assert (again["proposal"]["id"], again["already_pending"]) == (first, True)
    _, out, _ = andon(capsys, "proposals", "list", "--status", "pending", "--json")
    assert [item["id"] for item in json.loads(out)].count(first) == 1
