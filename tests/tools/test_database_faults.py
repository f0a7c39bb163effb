"""The plant database stops mid-session and comes back: calls in between fail with one line, the next call after
the restart answers as before (the pool replaces its dead connections). PostgreSQL behind a TCP proxy the test
stops and starts, which is what a stopped server looks like to the client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, make_url, select
from sqlmodel import Session, SQLModel

from agents.events import Error, FinalAnswer
from agents.testing.tcp_proxy import TcpProxy
from connectors import DatabaseConfig, create_schema, open_engine
from tools import AuditLog, OutcomeStatus, Role, ToolContext, create_tool_tables, invoke, load_registry
from tools.builtin.oee import get_oee

from .conftest import CLOCK, build_tiny_plant

OEE_CNC03 = 30 * 680 / 27_000  # PRU x GQ / PBT of CNC-03 on 2026-11-19, computed by hand (test_builtin_production)


def _seed_tiny_plant(url: str) -> None:
    """Copy the tiny plant (built in SQLite) into the database at `url`, parents before children."""
    source = build_tiny_plant()
    engine = open_engine(DatabaseConfig(url=url))
    create_schema(engine)
    create_tool_tables(engine)
    with source.connect() as read, engine.begin() as write:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in inspect(source).get_table_names():
                continue
            rows = [dict(row) for row in read.execute(select(table)).mappings()]
            if rows:
                write.execute(insert(table), rows)
    engine.dispose()
    source.dispose()


def test_a_database_stopped_mid_session_and_restarted(postgres_database: Callable[[str], str], tmp_path: Path) -> None:
    real = make_url(postgres_database("andon_fault"))
    _seed_tiny_plant(real.render_as_string(hide_password=False))
    audit = AuditLog(tmp_path / "audit.jsonl")
    with TcpProxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
        url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        engine = open_engine(DatabaseConfig(url=url))

        def oee() -> tuple[OutcomeStatus, float | None, str]:
            with Session(engine) as session:
                ctx = ToolContext(user="op", role=Role.OPERATOR, session=session, clock=CLOCK)
                out = invoke(get_oee, ctx, {"target": "CNC-03", "period": "2026-11-19"}, audit=audit)
                figures = getattr(out.result, "figures", None)
                return out.status, (round(figures.oee, 6) if figures else None), out.message

        assert oee() == (OutcomeStatus.OK, round(OEE_CNC03, 6), "")
        proxy.stop()  # the server goes away while the pool holds a connection
        status, value, message = oee()
        assert (status, value) == (OutcomeStatus.ERROR, None)
        assert message.startswith("internal error in oee: OperationalError: ")
        assert "\n" not in message
        proxy.start()  # back on the same port
        assert oee() == (OutcomeStatus.OK, round(OEE_CNC03, 6), "")
        engine.dispose()
    assert [e.outcome for e in audit.entries()] == ["ok", "error", "ok"]


def test_the_assistant_says_the_database_is_unreachable_then_answers_again(
    postgres_database: Callable[[str], str], tmp_path: Path
) -> None:
    from agents.extraction import vocabulary_from_session
    from agents.models.offline import OfflineChatModel
    from agents.routing.decision import RoutingDecision
    from agents.runtime import Assistant, ConversationMemory, ToolBackend
    from connectors import plant_clock
    from tools import ProposalStore

    class ToProduction:
        def route(self, text: str) -> RoutingDecision:
            return RoutingDecision(domains=["production"], confidence=0.9, kind="single")

        def route_many(self, texts: list[str]) -> list[RoutingDecision]:
            return [self.route(t) for t in texts]

    real = make_url(postgres_database("andon_fault"))
    _seed_tiny_plant(real.render_as_string(hide_password=False))
    with TcpProxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
        engine = open_engine(
            DatabaseConfig(url=real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
        )
        registry = load_registry()
        backend = ToolBackend(
            registry=registry,
            engine=engine,
            audit=AuditLog(tmp_path / "audit.jsonl"),
            proposals=ProposalStore(engine),
            clock=plant_clock,
        )
        with Session(engine) as session:
            model = OfflineChatModel.from_registry(registry.tools, vocabulary=vocabulary_from_session(session))
        memory = ConversationMemory(tmp_path / "memory.sqlite")
        assistant = Assistant(model=model, backend=backend, memory=memory, router=ToProduction())

        def ask(session_id: str) -> list[object]:
            return list(assistant.ask("OEE of CNC-03 on 2026-11-19", session_id=session_id, user="op", role="operator"))

        before = next(e for e in ask("a") if isinstance(e, FinalAnswer))
        assert "OEE 75.6%" in before.text  # 0.7556 as the offline answer shows it
        proxy.stop()
        errors = [e for e in ask("b") if isinstance(e, Error)]
        assert len(errors) == 1
        assert errors[0].message.startswith("the plant database cannot be reached (")
        assert errors[0].message.endswith(") / 无法连接工厂数据库")
        assert "\n" not in errors[0].message
        proxy.start()
        after = next(e for e in ask("c") if isinstance(e, FinalAnswer))
        assert after.text == before.text
        memory.close()
        engine.dispose()


@pytest.fixture(autouse=True)
def _needs_postgres(postgres_url: str) -> None:
    """Every test here needs the PostgreSQL of ANDON_TEST_POSTGRES_URL."""
