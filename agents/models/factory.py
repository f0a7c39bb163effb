"""One way to get a chat model: `make_chat_model("offline" | "openai", ...)`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from agents.errors import AgentError
from agents.models.openai_compatible import LLMConfig, make_openai_chat_model

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agents.extraction import Vocabulary

__all__ = ["ModelKind", "make_chat_model"]

ModelKind = Literal["offline", "openai"]


def make_chat_model(
    kind: ModelKind | str,
    *,
    llm: LLMConfig | None = None,
    tools: Sequence[Any] = (),
    vocabulary: Vocabulary | None = None,
) -> BaseChatModel:
    """The chat model of `kind`.

    "offline" needs no network: it learns tool choice from the registry tools' examples and
    plant names from `vocabulary`. "openai" is any OpenAI-compatible endpoint described by `llm`.
    """
    if kind == "offline":
        from agents.models.offline import OfflineChatModel

        return OfflineChatModel.from_registry(list(tools), vocabulary=vocabulary)
    if kind == "openai":
        if llm is None:
            raise AgentError(
                "no LLM configured: set ANDON_LLM_BASE_URL and ANDON_LLM_MODEL (or [llm] in andon.toml) / 未配置大模型"
            )
        return make_openai_chat_model(llm)
    raise AgentError(f"unknown model {kind!r}; use offline or openai / 未知模型")
