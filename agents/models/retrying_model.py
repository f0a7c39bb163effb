"""A chat-model mixin that puts a LangChain chat model's calls under Andon's retry policy (tenacity).

Mixed in before the model class (`class Model(RetryingChatModel, ChatOpenAI)`), it wraps the four
request methods. A streamed reply is held back until a chunk with content or a tool call arrives: a
failure before that left no trace and is retried; after it, the break is reported, never papered over
by a second reply, and a stream that ends without a finish reason counts as broken.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from tenacity import AsyncRetrying, Retrying

from agents.models.retries import (
    RetryPolicy,
    StreamBrokeOffError,
    call_with_retries,
    gave_up,
    is_retryable,
    retry_options,
)

if TYPE_CHECKING:
    from langchain_core.outputs import ChatGenerationChunk, ChatResult

__all__ = ["RetryingChatModel"]


class _StreamGate:
    """Holds chunks back until one is visible; knows whether the stream finished."""

    def __init__(self) -> None:
        self.shown = False
        self.done = False
        self.held: list[ChatGenerationChunk] = []

    def reset(self) -> None:
        self.done = False
        self.held = []

    def feed(self, chunk: ChatGenerationChunk) -> list[ChatGenerationChunk]:
        self.done = self.done or bool((chunk.generation_info or {}).get("finish_reason"))
        if self.shown:
            return [chunk]
        self.held.append(chunk)
        message: Any = chunk.message
        if message.content or getattr(message, "tool_call_chunks", None):
            self.shown = True
            out, self.held = self.held, []
            return out
        return []

    def end(self) -> list[ChatGenerationChunk]:
        if not self.done:
            raise StreamBrokeOffError("the stream ended without a finish reason")
        out, self.held = self.held, []
        return out

    def may_retry(self, exc: BaseException) -> bool:
        return is_retryable(exc) and not self.shown


class RetryingChatModel:
    """Retries `_generate`, `_agenerate`, `_stream` and `_astream` of the model class it is mixed into."""

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy()

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        parent = super()._generate  # type: ignore[misc]
        result: ChatResult = call_with_retries(self.retry_policy, lambda: parent(*args, **kwargs))
        return result

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        policy = self.retry_policy
        try:
            async for attempt in AsyncRetrying(**retry_options(policy)):
                with attempt:
                    result: ChatResult = await super()._agenerate(*args, **kwargs)  # type: ignore[misc]
            return result
        except Exception as exc:
            if is_retryable(exc):
                raise gave_up(exc, policy.attempts) from exc
            raise

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        gate, tries = _StreamGate(), 0
        try:
            for attempt in Retrying(**retry_options(self.retry_policy, gate.may_retry)):
                with attempt:
                    tries += 1
                    gate.reset()
                    for chunk in super()._stream(*args, **kwargs):  # type: ignore[misc]
                        yield from gate.feed(chunk)
                    yield from gate.end()
        except Exception as exc:
            if is_retryable(exc):
                raise gave_up(exc, tries) from exc
            raise

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        gate, tries = _StreamGate(), 0
        try:
            async for attempt in AsyncRetrying(**retry_options(self.retry_policy, gate.may_retry)):
                with attempt:
                    tries += 1
                    gate.reset()
                    async for chunk in super()._astream(*args, **kwargs):  # type: ignore[misc]
                        for item in gate.feed(chunk):
                            yield item
                    for item in gate.end():
                        yield item
        except Exception as exc:
            if is_retryable(exc):
                raise gave_up(exc, tries) from exc
            raise
