"""Composition of the agents from the settings: model, tier-1 router, tool backend, memory, assistant.

The CLI (`andon ask`, `andon chat`), the console and the eval harness build their assistant here,
so they all answer the same way for the same settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ui.config import AndonSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agents.extraction import Vocabulary
    from agents.models import LLMConfig
    from agents.runtime import Assistant, ConversationMemory
    from tools import DocumentSearch, Registry
    from ui.system import ToolSystem

__all__ = [
    "CONVERSATIONS_FILE_NAME",
    "AgentSystem",
    "ModelChoice",
    "agent_system",
    "chat_model",
    "conversation_memory",
    "default_model_kind",
    "llm_config",
    "tier1_router",
]

CONVERSATIONS_FILE_NAME = "conversations.sqlite"
ModelChoice = Literal["offline", "openai"]


def default_model_kind(settings: AndonSettings) -> ModelChoice:
    """The LLM when one is configured, else the offline model."""
    return "openai" if settings.llm_configured else "offline"


def llm_config(settings: AndonSettings) -> LLMConfig | None:
    """The typed LLM configuration the agents layer receives, or None when no LLM is configured."""
    from pydantic import SecretStr

    from agents.models import LLMConfig

    if not (settings.llm_configured and settings.llm_base_url and settings.llm_model):
        return None
    return LLMConfig(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key or SecretStr("not-needed"),
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        retry_max_wait_s=settings.llm_retry_max_wait_s,
        max_tokens=settings.llm_max_tokens,
        stream=settings.llm_stream,
        extra_body=settings.llm_extra_body,
    )


def tier1_router(settings: AndonSettings, registry: Registry) -> Any:
    """The local small-model router, trained on the shipped routing set plus the loaded tools' examples.

    Same training and embedding cache as `andon route`, so both route a request the same way.
    """
    from agents.routing import SmallModelRouter, examples_from_tools

    return SmallModelRouter.train(extra=examples_from_tools(registry.tools), cache_dir=settings.data_home / "cache")


def plant_vocabulary(tools: ToolSystem, documents: DocumentSearch | None = None) -> Vocabulary:
    """The names of the plant's things (lines, machines, suppliers ...), then of its documents' ids and titles."""
    from sqlmodel import Session

    from agents.extraction import document_vocabulary, vocabulary_from_session

    with Session(tools.engine) as session:
        vocabulary = vocabulary_from_session(session)
    listing = getattr(documents, "list_documents", None)
    if listing is None:
        return vocabulary
    try:
        return vocabulary.merged(document_vocabulary(listing()))
    except Exception:  # a document store that cannot be read now: the plant's own names still serve
        return vocabulary


def chat_model(
    settings: AndonSettings, kind: ModelChoice, tools: ToolSystem, vocabulary: Vocabulary | None = None
) -> BaseChatModel:
    """The chat model of `kind` for this plant (the offline model learns the plant's names)."""
    from agents.models import make_chat_model

    if kind == "offline" and vocabulary is None:
        vocabulary = plant_vocabulary(tools)
    return make_chat_model(
        kind, llm=llm_config(settings), tools=tools.registry.tools, vocabulary=vocabulary if kind == "offline" else None
    )


@dataclass
class AgentSystem:
    """The tool system plus the assistant built on it."""

    tools: ToolSystem
    assistant: Assistant
    model_kind: ModelChoice

    def close(self) -> None:
        self.assistant.memory.close()


def conversation_memory(settings: AndonSettings) -> ConversationMemory:
    """Where conversations are kept: the plant's PostgreSQL database when shared state lives there
    (every worker continues every conversation), else a SQLite file in the data home."""
    from agents.runtime import ConversationMemory, PostgresConversationMemory

    url = settings.effective_database_url
    if settings.state_in_database and url.startswith("postgresql"):
        return PostgresConversationMemory(url)
    return ConversationMemory(settings.data_home / CONVERSATIONS_FILE_NAME)


def agent_system(
    settings: AndonSettings,
    *,
    model: ModelChoice | None = None,
    router: Any | None = None,
    tools: ToolSystem | None = None,
    documents: DocumentSearch | None = None,
    memory: ConversationMemory | None = None,
) -> AgentSystem:
    """Open the plant, load the tools, pick the model and build the assistant for `settings`.

    Conversations are kept in the data home unless another `memory` is given (evals keep their own).
    """
    from agents.routing import LLMRouter
    from agents.runtime import Assistant, ToolBackend
    from ui.system import clock_of, document_search, live_extras, tool_system

    system = tools or tool_system(settings)
    kind = model or default_model_kind(settings)
    searched = documents if documents is not None else document_search(settings)
    vocabulary = plant_vocabulary(system, searched)
    llm = chat_model(settings, kind, system, vocabulary)
    backend = ToolBackend(
        registry=system.registry,
        engine=system.engine,
        audit=system.audit,
        proposals=system.proposals,
        clock=clock_of(settings),
        documents=searched,
        extras=live_extras(settings),
    )
    tier1 = router if router is not None else tier1_router(settings, system.registry)
    assistant = Assistant(
        model=llm,
        backend=backend,
        memory=memory if memory is not None else conversation_memory(settings),
        router=tier1,
        model_kind=kind,
        llm_router=LLMRouter(llm, fallback=tier1) if kind == "openai" else None,
        vocabulary=vocabulary,
    )
    return AgentSystem(tools=system, assistant=assistant, model_kind=kind)
