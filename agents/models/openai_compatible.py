"""OpenAI-compatible chat models (OpenAI, DeepSeek, Qwen, vLLM, Ollama, ...) through langchain-openai."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, SecretStr

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

__all__ = ["LLMConfig", "make_openai_chat_model"]


class LLMConfig(BaseModel):
    """Where the LLM is and how patiently to call it. Built by `ui` from settings; never read from env here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(description="OpenAI-compatible endpoint including /v1, e.g. http://127.0.0.1:8000/v1.")
    model: str
    api_key: SecretStr = SecretStr("not-needed")
    timeout_s: float = 60.0
    max_retries: int = 2
    temperature: float | None = 0.0


def make_openai_chat_model(config: LLMConfig) -> ChatOpenAI:
    """A streaming `ChatOpenAI` on the Chat Completions API with token usage in the stream."""
    from langchain_openai import ChatOpenAI

    # Third-party servers (vLLM, Ollama, DeepSeek, Qwen) speak Chat Completions, not the Responses API;
    # stream_usage asks for the final usage chunk so every turn records its tokens.
    return ChatOpenAI(
        model=config.model,
        base_url=config.base_url,
        api_key=config.api_key,
        timeout=config.timeout_s,
        max_retries=config.max_retries,
        temperature=config.temperature,
        streaming=True,
        stream_usage=True,
        use_responses_api=False,
    )
