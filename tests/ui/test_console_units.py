"""Console building blocks without a browser: sign-in, strings, charts, turn view, bind safety."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from agents.events import (
    Citation,
    Error,
    FinalAnswer,
    ProposalAwaitingApproval,
    Routed,
    Token,
    ToolFinished,
    ToolStarted,
)
from tools import OutcomeRecord, OutcomeStatus
from ui.config import AndonSettings, ConfigError, UserAccount
from ui.console.auth import authenticate, hash_password, verify_password
from ui.console.charts import chart_for, table_rows
from ui.console.i18n import LANGS, keys, t
from ui.console.server import check_bind, is_loopback
from ui.console.turn_view import TurnView


def test_password_hash_round_trip_and_salt() -> None:
    first, second = hash_password("s3cret-密码"), hash_password("s3cret-密码")
    assert first != second  # salted
    assert verify_password("s3cret-密码", first)
    assert not verify_password("s3cret", first)
    assert not verify_password("anything", "not-a-hash")


def test_demo_users_sign_in_with_their_name_only_when_no_users_configured(tmp_path: Path) -> None:
    demo = AndonSettings(data_home=tmp_path)
    signed = authenticate(demo, "engineer", "engineer")
    assert signed is not None
    assert signed.role == "engineer"
    assert authenticate(demo, "engineer", "wrong") is None
    assert authenticate(demo, "nobody", "nobody") is None
    configured = AndonSettings(
        data_home=tmp_path,
        users=[UserAccount(name="li.wei", role="supervisor", password_hash=SecretStr(hash_password("班长2026")))],
    )
    account = authenticate(configured, "li.wei", "班长2026")
    assert account is not None
    assert account.role == "supervisor"
    assert authenticate(configured, "engineer", "engineer") is None  # demo users are gone once users are configured


def test_every_string_has_both_languages() -> None:
    for key in keys():
        english, chinese = t("en", key), t("zh", key)
        assert english
        assert chinese
        assert english != chinese or key == "language"
    assert LANGS == ("en", "zh")
    assert t("zh", "signed_in_as", user="王工", role="engineer") == "当前用户 王工（engineer）"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_binding_beyond_loopback_needs_auth_and_configured_users(tmp_path: Path) -> None:
    check_bind(AndonSettings(data_home=tmp_path, ui_auth=False), "127.0.0.1")
    with pytest.raises(ConfigError, match="without authentication"):
        check_bind(AndonSettings(data_home=tmp_path, ui_auth=False), "0.0.0.0")
    with pytest.raises(ConfigError, match="demo users"):
        check_bind(AndonSettings(data_home=tmp_path, ui_auth=True), "0.0.0.0")
    users = [UserAccount(name="a", role="admin", password_hash=SecretStr(hash_password("x")))]
    check_bind(AndonSettings(data_home=tmp_path, ui_auth=True, users=users), "0.0.0.0")


def test_pareto_rows_become_a_bar_chart_and_a_table() -> None:
    result = {
        "summary": "downtime",
        "reasons": [
            {"reason": "MS-JAM", "name_en": "Jam", "minutes": 120.0, "events": 30, "share": 0.6},
            {"reason": "BD-SPN", "name_en": "Spindle", "minutes": 80.0, "events": 2, "share": 0.4},
        ],
        "provenance": {"tables": ["downtime_event"], "row_count": 32},
    }
    chart = chart_for("downtime_pareto", result)
    assert chart is not None
    assert chart.kind == "bar"
    assert [(row["x"], row["y"]) for row in chart.rows] == [("MS-JAM", 120.0), ("BD-SPN", 80.0)]
    headers, rows = table_rows(result)
    assert headers == ["reason", "name_en", "minutes", "events", "share"]
    assert rows[1] == ["BD-SPN", "Spindle", 80.0, 2, 0.4]


def test_daily_rows_become_a_line_chart() -> None:
    result = {"days": [{"day": "2026-11-18", "oee": 0.71}, {"day": "2026-11-19", "oee": 0.64}]}
    chart = chart_for("oee_trend", result)
    assert chart is not None
    assert chart.kind == "line"
    assert [(row["x"], row["y"]) for row in chart.rows] == [("2026-11-18", 0.71), ("2026-11-19", 0.64)]
    assert {row["series"] for row in chart.rows} == {"oee"}


def test_live_values_in_different_units_get_a_table_but_no_chart() -> None:
    result = {
        "values": [
            {"tag": "CNC-03.TEMP", "value": 45.13, "unit": "°C", "at": "2026-11-20T09:44:30"},
            {"tag": "CNC-03.VIB", "value": 5.298, "unit": "mm/s", "at": "2026-11-20T09:44:30"},
        ]
    }
    assert chart_for("live_values", result) is None
    headers, rows = table_rows(result)
    assert (headers, rows[1]) == (["tag", "value", "unit", "at"], ["CNC-03.VIB", 5.298, "mm/s", "2026-11-20T09:44:30"])


def test_spc_chart_draws_spec_limits_as_series() -> None:
    result = {
        "characteristic": "BORE-D",
        "lsl": 24.98,
        "usl": 25.02,
        "ucl": 25.012,
        "lcl": 24.994,
        "points": [
            {"subgroup": 1, "at": "2026-11-18T08:00", "value": 25.001},
            {"subgroup": 2, "at": "2026-11-18T10:00", "value": 25.004},
        ],
    }
    chart = chart_for("spc_analysis", result)
    assert chart is not None
    assert chart.series == "series"
    series = {row["series"] for row in chart.rows}
    assert series == {"value", "LSL", "USL", "LCL", "UCL"}
    assert [row["y"] for row in chart.rows if row["series"] == "USL"] == [25.02, 25.02]
    assert [row["x"] for row in chart.rows if row["series"] == "value"] == ["2026-11-18T08:00", "2026-11-18T10:00"]


def test_sensor_trend_draws_its_normal_band_and_alarm_limit() -> None:
    result = {
        "tag": "CNC-03.VIB",
        "normal_low": 0.8,
        "normal_high": 2.5,
        "alarm_high": 4.5,
        "daily": [{"day": "2026-11-12", "mean": 3.9}, {"day": "2026-11-13", "mean": 4.6}],
    }
    chart = chart_for("sensor_trend", result)
    assert chart is not None
    assert {row["series"] for row in chart.rows} == {"mean", "NORMAL_LOW", "NORMAL_HIGH", "ALARM_HIGH"}
    assert [row["y"] for row in chart.rows if row["series"] == "mean"] == [3.9, 4.6]


def test_a_single_number_gets_no_chart_and_a_table_of_its_figures() -> None:
    result = {
        "summary": "OEE of L2",
        "unit": "ratio",
        "complete": True,
        "target": "L2",
        "figures": {"oee": 0.81, "availability": 0.923, "performance": 0.902, "quality": 0.973},
        "provenance": {"tables": []},
    }
    assert chart_for("oee", result) is None
    headers, rows = table_rows(result)
    assert headers == ["field", "value"]
    assert rows == [
        ["target", "L2"],
        ["figures.oee", 0.81],
        ["figures.availability", 0.923],
        ["figures.performance", 0.902],
        ["figures.quality", 0.973],
    ]


def test_turn_view_streams_answer_trace_evidence_and_chart() -> None:
    view = TurnView(lang="zh")
    view.apply(Routed(domains=["production"], confidence=0.93, kind="single"))
    view.apply(ToolStarted(name="downtime_pareto", args={"target": "L2", "period": "上周"}))
    view.apply(
        ToolFinished(
            name="downtime_pareto",
            summary="2 reasons",
            provenance={"tables": ["downtime_event"], "row_count": 32, "filters": {"line": "L2"}},
            outcome=OutcomeRecord(
                tool="downtime_pareto",
                status=OutcomeStatus.OK,
                result={"reasons": [{"reason": "A", "minutes": 3.0}, {"reason": "B", "minutes": 1.0}]},
            ),
        )
    )
    assert view.messages()[1]["metadata"] == {"title": "过程：production", "status": "pending"}
    view.apply(Token(text="停机"))
    view.apply(Token(text="最多的是A"))
    assert view.answer == "停机最多的是A"
    view.apply(
        FinalAnswer(
            text="停机最多的原因是A，3.0分钟。",
            citations=[Citation(document="SOP-012", section="3 换型", page=2, version="1.2")],
            latency_ms=42,
        )
    )
    answer, trace = view.messages()
    assert answer == {"role": "assistant", "content": "停机最多的原因是A，3.0分钟。"}
    assert trace["metadata"]["status"] == "done"
    assert "**downtime_pareto**" in trace["content"]
    assert "`downtime_pareto`: downtime_event (32 rows; line=L2)" in view.evidence_markdown
    assert "SOP-012 v1.2 — 3 换型, p. 2" in view.evidence_markdown
    assert view.chart is not None
    assert view.chart.kind == "bar"


def test_turn_view_keeps_the_proposal_and_shows_errors() -> None:
    view = TurnView(lang="en")
    view.apply(
        ProposalAwaitingApproval(
            proposal_id="7", tool="propose_maintenance_request", title="Inspect CNC-03", reason="r"
        )
    )
    assert view.proposal is not None
    assert view.proposal.proposal_id == "7"
    assert view.done
    failed = TurnView(lang="en")
    failed.apply(Error(message="unknown line L9, did you mean L2?"))
    assert failed.answer == "Error: unknown line L9, did you mean L2?"


def test_users_cli_hashes_a_password_that_verifies(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ui.cli import app

    result = CliRunner().invoke(app, ["users", "hash-password", "--password", "班长-2026"])
    assert result.exit_code == 0, result.output
    stored = result.output.strip().splitlines()[-1]
    assert stored.startswith("scrypt$")
    assert verify_password("班长-2026", stored)
