"""OpenAI-compatible chat models (OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp, ...) through langchain-openai."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from agents.models.retries import RetryPolicy
from agents.models.retrying_model import RetryingChatModel

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
    max_retries: int = Field(2, ge=0, description="Attempts after the first on a 429, 5xx, time-out or broken stream.")
    retry_max_wait_s: float = Field(
        30.0, ge=0, description="Longest wait between attempts, whatever a server's Retry-After asks for."
    )
    temperature: float | None = 0.0
    max_tokens: int | None = Field(
        2048,
        ge=1,
        description="Most tokens one reply may have; a reply cut off there is flagged, never run half-written.",
    )
    stream: bool = Field(True, description="Stream replies; off for servers that cannot stream tool calls.")
    extra_body: dict[str, Any] = Field(
        default_factory=dict,
        description='Server-specific request fields, e.g. {"chat_template_kwargs": {"enable_thinking": false}} for '
        'Qwen3 on vLLM, {"thinking": {"type": "disabled"}} for DeepSeek.',
    )


@cache
def _model_class() -> type[ChatOpenAI]:
    from langchain_openai import ChatOpenAI

    class ChatCompletionsModel(RetryingChatModel, ChatOpenAI):
        """`ChatOpenAI` for third-party servers: `tool_choice: "auto"` with tools, no null message content,
        and Andon's retries (`RetryingChatModel`) instead of the client's.

        "auto" is OpenAI's default, but some servers offer the tools to the model only when the request
        says so (llama-cpp-python's function-calling chat formats); vLLM answers it with a clear error when
        started without --enable-auto-tool-choice, instead of never calling a tool.
        """

        andon_retries: int = 2
        andon_retry_max_wait_s: float = 30.0

        @property
        def retry_policy(self) -> RetryPolicy:
            return RetryPolicy(retries=self.andon_retries, max_wait_s=self.andon_retry_max_wait_s)

        def bind_tools(
            self,
            tools: Sequence[dict[str, Any] | type | Callable[..., Any] | Any],
            *,
            tool_choice: dict[str, Any] | str | bool | None = None,
            **kwargs: Any,
        ) -> Any:
            if tools and tool_choice is None:
                tool_choice = "auto"
            return super().bind_tools(tools, tool_choice=tool_choice, **kwargs)

        def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
            payload: dict[str, Any] = super()._get_request_payload(input_, stop=stop, **kwargs)
            # An assistant message that only calls tools goes out with content "" rather than null: the
            # OpenAI API takes both, llama-cpp-python's server rejects null (its 500 names the message).
            for message in payload.get("messages", []):
                if message.get("role") == "assistant" and message.get("content") is None:
                    message["content"] = ""
            return payload

    return ChatCompletionsModel


def make_openai_chat_model(config: LLMConfig) -> ChatOpenAI:
    """A `ChatOpenAI` on the Chat Completions API, streaming with token usage unless `config.stream` is off."""
    # Third-party servers (vLLM, Ollama, DeepSeek, Qwen) speak Chat Completions, not the Responses API;
    # stream_usage asks for the final usage chunk so every turn records its tokens.
    return _model_class()(
        model=config.model,
        base_url=config.base_url,
        api_key=config.api_key,
        timeout=config.timeout_s,
        max_retries=0,  # Andon retries (honouring Retry-After), not the client: see agents.models.retries
        andon_retries=config.max_retries,
        andon_retry_max_wait_s=config.retry_max_wait_s,
        temperature=config.temperature,
        # `max_tokens`, which every OpenAI-compatible server reads; langchain would send `max_completion_tokens`.
        extra_body={**({"max_tokens": config.max_tokens} if config.max_tokens else {}), **config.extra_body} or None,
        streaming=config.stream,
        stream_usage=config.stream,
        use_responses_api=False,
    )
