"""Composition of the eval executors: routing-only cases through the tier-1 router, everything else
through the assistant, composed as `andon ask` composes it (`ui.agents_wiring`) on the eval plant.

Evaluation sessions use their own conversation memory (in memory, thrown away) and the run's own
audit log, so they never mix with the operators' conversations or audit trail.

`AssistantRecipe` is picklable: with `andon eval run --workers N` each worker process builds its own
assistant from it (own engine, router, model and memory), see `evals.ProcessExecutor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.agents_wiring import ModelChoice
from ui.config import AndonSettings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from evals import AssistantExecutor
    from tools import ProposalStore, Registry

__all__ = ["AssistantRecipe", "build_assistant_executor", "model_id_of", "run_proposal_store"]


def model_id_of(settings: AndonSettings, model: ModelChoice) -> str:
    """The id a run records for the model under test (part of the cache key)."""
    return "offline" if model == "offline" else f"openai:{settings.llm_model}"


def run_proposal_store(run_dir: Path) -> ProposalStore:
    """The run's own proposal store, `proposals.db` in the run folder. Safe when several worker processes
    open it at once (the main process creates it before they start; a lost race to create it is harmless)."""
    from sqlalchemy.exc import OperationalError

    from connectors import DatabaseConfig, open_engine
    from tools import ProposalStore, create_tool_tables

    engine = open_engine(DatabaseConfig(url=f"sqlite:///{(run_dir / 'proposals.db').as_posix()}"))
    try:
        create_tool_tables(engine)
    except OperationalError as exc:
        if "already exists" not in str(exc):
            raise
        create_tool_tables(engine)  # another process created them between the check and the CREATE
    return ProposalStore(engine)


def build_assistant_executor(
    settings: AndonSettings,
    model: ModelChoice,
    engine: Engine,
    *,
    registry: Registry,
    router: Any,
    audit_path: Path,
    prices_per_mtok: tuple[float, float] = (0.0, 0.0),
) -> AssistantExecutor:
    """An executor that plays each case through the assistant, every message of a case in one session.

    Proposals raised by the cases go to the run's own store (`proposals.db` beside the audit log), never
    to the plant's queue: graded against a live plant database, an eval must not ask anyone to approve.
    """
    from agents.runtime import ConversationMemory
    from evals import AssistantExecutor
    from tools import AuditLog, Permission
    from ui.agents_wiring import agent_system
    from ui.system import ToolSystem

    tools = ToolSystem(
        settings=settings,
        engine=engine,
        registry=registry,
        audit=AuditLog(audit_path),
        proposals=run_proposal_store(audit_path.parent),
    )
    assistant = agent_system(
        settings, model=model, router=router, tools=tools, memory=ConversationMemory(":memory:")
    ).assistant

    def ask(case: Any, message: str, session_id: str) -> Any:
        user = case.user or case.role
        return list(
            assistant.ask(
                message, session_id=session_id, user=user, role=case.role, lang=case.lang, scopes=frozenset(case.scopes)
            )
        )

    writes = frozenset(t.name for t in registry if t.permission is Permission.WRITE)
    # The offline model is CPU-bound and shares one database session factory: one case at a time per process.
    return AssistantExecutor(
        ask,
        model_id_of(settings, model),
        write_tools=writes,
        serial=model == "offline",
        prices_per_mtok=prices_per_mtok,
    )


@dataclass(frozen=True)
class AssistantRecipe:
    """Everything a worker process needs to build the assistant executor itself. `router`, when given,
    is the tier-1 router the main process trained (it pickles to about 1 MB; training again in every
    worker would cost seconds of CPU each)."""

    settings: AndonSettings
    model: ModelChoice
    database_url: str
    audit_path: Path
    prices_per_mtok: tuple[float, float] = (0.0, 0.0)
    router: Any = None

    def __call__(self, worker_index: int) -> AssistantExecutor:
        import os

        os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        from connectors import DatabaseConfig, open_engine
        from ui.agents_wiring import tier1_router
        from ui.system import load_tools

        engine = open_engine(DatabaseConfig(url=self.database_url))
        registry = load_tools(self.settings)
        return build_assistant_executor(
            self.settings,
            self.model,
            engine,
            registry=registry,
            router=self.router if self.router is not None else tier1_router(self.settings, registry),
            audit_path=self.audit_path,
            prices_per_mtok=self.prices_per_mtok,
        )
