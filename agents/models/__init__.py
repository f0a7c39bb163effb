"""Chat models: the offline model (no LLM, no network) and OpenAI-compatible LLMs."""

from agents.models.factory import ModelKind, make_chat_model
from agents.models.openai_compatible import LLMConfig, make_openai_chat_model

__all__ = ["LLMConfig", "ModelKind", "make_chat_model", "make_openai_chat_model"]
