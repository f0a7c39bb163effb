"""The reading line (what an answer's figures are for) and the check that it is what the request asked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

from agents.events import FinalAnswer, ToolCallRecord
from agents.interpretation import ToolCatalog, find_mismatches, reading_line
from agents.models.offline import OfflineChatModel
from agents.models.openai_compatible import LLMConfig, make_openai_chat_model
from agents.routing.decision import RoutingDecision
from agents.runtime import Assistant, ConversationMemory, ToolBackend
from agents.testing import ScriptedServer, call_tool, reply
from connectors import plant_clock
from tools import AuditLog, OutcomeRecord, OutcomeStatus, ProposalStore, create_tool_tables, load_registry

CATALOG = ToolCatalog(load_registry().tools)
YESTERDAY_SHIFT_A = {"start": "2026-11-19T06:00:00", "end": "2026-11-19T14:00:00", "label": "昨天早班"}


def _call(name: str, args: dict[str, Any], **result: Any) -> ToolCallRecord:
    outcome = OutcomeRecord(tool=name, status=OutcomeStatus.OK, result={"summary": "", "provenance": {}, **result})
    return ToolCallRecord(name=name, args=args, outcome=outcome)


def test_the_reading_names_the_asked_metric_with_its_definition_scope_and_period() -> None:
    call = _call("oee", {"target": "L1", "period": "昨天早班"}, scope={"line": "L1"}, period=YESTERDAY_SHIFT_A)
    assert reading_line("1号线昨天早班的质量率", [call], CATALOG, "zh") == (
        "理解：质量率（OEE质量因子：良品数/产量） · L1 · 昨天早班：2026-11-19 06:00 至 14:00"
    )
    assert reading_line("quality rate of line 1 yesterday's morning shift", [call], CATALOG, "en") == (
        "Reading: quality rate (OEE quality factor: good parts / parts produced) · L1 · "
        "昨天早班: 2026-11-19 06:00 – 14:00"
    )


def test_a_list_reading_says_what_its_filter_means_and_when() -> None:
    call = _call("list_sales_orders", {"status": "late"}, scope={})
    line = reading_line("哪些销售订单延期了?", [call], CATALOG, "zh", datetime(2026, 11, 20, 6))
    assert (
        line
        == "理解：销售订单列表（late = open past the promised date） · 全部（本人权限范围内） · 截至 2026-11-20 06:00"
    )


def test_no_reading_without_data() -> None:
    refusal = OutcomeRecord(tool="oee", status=OutcomeStatus.DENIED, message="denied")
    denied = ToolCallRecord(name="oee", args={}, outcome=refusal)
    proposal = _call("propose_maintenance_request", {}, proposal_id=3, status="proposed")
    assert reading_line("OEE of L1", [denied], CATALOG, "en") is None
    assert reading_line("报修", [proposal], CATALOG, "zh") is None


def test_document_passages_have_no_reading_their_citations_are_it() -> None:
    search = _call("search_documents", {"query": "换刀步骤"}, passages=[{"text": "1. 停机", "document": "SOP-01"}])
    oee = _call("oee", {"target": "L1", "period": "昨天早班"}, scope={"line": "L1"}, period=YESTERDAY_SHIFT_A)
    assert reading_line("换刀作业指导书第3步是什么?", [search], CATALOG, "zh") is None
    # Beside a data call, the reading is the data call's alone.
    assert reading_line("1号线昨天早班的OEE和换刀步骤", [search, oee], CATALOG, "zh") == (
        "理解：OEE（可用率×性能率×质量率） · L1 · 昨天早班：2026-11-19 06:00 至 14:00"
    )


def test_a_metric_the_called_tools_do_not_compute_is_a_mismatch() -> None:
    fpy = _call("first_pass_yield", {"target": "L1"}, first_pass_yield=0.98)
    [mismatch] = find_mismatches("1号线昨天早班的质量率", [fpy], CATALOG)
    assert mismatch.startswith("asked for quality rate, but the figures are First pass yield")
    oee = _call("oee", {"target": "L1"})
    assert find_mismatches("1号线昨天早班的质量率", [oee], CATALOG) == []


def test_a_period_no_result_covers_is_a_mismatch() -> None:
    spans = {"last week": (datetime(2026, 11, 9), datetime(2026, 11, 16))}
    rolling = {"start": "2026-11-13T06:00:00", "end": "2026-11-20T06:00:00", "label": "past 7 days"}
    call = _call("mtbf_mttr", {"target": "ROB-01", "period": "past 7 days"}, period=rolling)
    [mismatch] = find_mismatches("MTBF of ROB-01 last week", [call], CATALOG, spans.get)
    assert mismatch.startswith("asked for last week, but mtbf_mttr covers past 7 days (2026-11-13 06:00")
    right = _call("mtbf_mttr", {}, period={"start": "2026-11-09T00:00:00", "end": "2026-11-16T00:00:00", "label": "x"})
    assert find_mismatches("MTBF of ROB-01 last week", [right], CATALOG, spans.get) == []


# -- through the assistant, on the small demo plant ----------------------------------------------------------


class OneDomain:
    def __init__(self, domain: str) -> None:
        self.domain = domain

    def route(self, text: str) -> RoutingDecision:
        return RoutingDecision(domains=[self.domain], confidence=0.9, kind="single")

    def route_many(self, texts: list[str]) -> list[RoutingDecision]:
        return [self.route(text) for text in texts]


@pytest.fixture
def plant_backend(small_plant_engine: Engine, tmp_path: Path) -> ToolBackend:
    proposals = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    create_tool_tables(proposals)
    return ToolBackend(
        registry=load_registry(),
        engine=small_plant_engine,
        audit=AuditLog(tmp_path / "audit.jsonl"),
        proposals=ProposalStore(proposals),
        clock=plant_clock,
    )


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[ConversationMemory]:
    store = ConversationMemory(tmp_path / "memory.sqlite")
    yield store
    store.close()


def _final(events: list[Any]) -> FinalAnswer:
    return next(event for event in events if isinstance(event, FinalAnswer))


def test_the_offline_answer_opens_with_its_reading(plant_backend: ToolBackend, memory: ConversationMemory) -> None:
    model = OfflineChatModel.from_registry(plant_backend.registry.tools)
    assistant = Assistant(model=model, backend=plant_backend, memory=memory, router=OneDomain("production"))
    final = _final(list(assistant.ask("1号线昨天早班的质量率", session_id="r", user="ann", role="engineer")))
    first = final.text.split("\n")[0]
    assert first == "理解：质量率（OEE质量因子：良品数/产量） · L1 · 昨天早班（A班）：2026-11-19 06:00 至 14:00"
    assert final.text.split("\n\n")[1].startswith("产线或设备的OEE：质量率 ")
    assert final.mismatches == []
    assert final.ungrounded_numbers == []


def test_an_llm_answer_for_another_metric_or_period_is_flagged(
    plant_backend: ToolBackend, memory: ConversationMemory
) -> None:
    with ScriptedServer(
        [
            call_tool("production_output", line="L1", period="yesterday"),
            reply("The quality rate was high."),
            call_tool("mtbf_mttr", target="ROB-01", period="past 90 days"),
            reply("MTBF was fine."),
        ]
    ) as server:
        model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted", max_retries=0))
        quality = Assistant(
            model=model, backend=plant_backend, memory=memory, router=OneDomain("production"), model_kind="openai"
        )
        metric = _final(
            list(quality.ask("quality rate of line 1 yesterday", session_id="m", user="ann", role="engineer"))
        )
        maintenance = Assistant(
            model=model, backend=plant_backend, memory=memory, router=OneDomain("maintenance"), model_kind="openai"
        )
        period = _final(list(maintenance.ask("MTBF of ROB-01 last week", session_id="p", user="ann", role="engineer")))
    assert metric.text.startswith("Reading: good parts (parts made that are good (not scrap, not rework)) · L1 · ")
    assert [m.split(",")[0] for m in metric.mismatches] == ["asked for quality rate"]
    assert "⚠ The answer does not match the request" in metric.text
    assert [m.split(",")[0] for m in period.mismatches] == ["asked for last week"]
    assert period.text.rstrip().endswith("问的时间是last week，mtbf_mttr的结果却是past 90 days")
