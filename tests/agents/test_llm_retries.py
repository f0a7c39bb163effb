"""An LLM endpoint that fails: 5xx and 429 with Retry-After, time-outs, a broken stream; retried with tenacity,
then a clear one-line message. The scripted server plays each fault exactly."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx
import openai
import pytest

from agents.events import Error, Event, FinalAnswer
from agents.models.openai_compatible import LLMConfig, make_openai_chat_model
from agents.models.retries import RetryPolicy, is_retryable, retry_after_s, wait_for_server
from agents.runtime import Assistant, ConversationMemory, ToolBackend
from agents.testing import ScriptedServer, ScriptedTurn, broken_stream, call_tool, http_error, reply, slow

from .conftest import RuleRouter


def _assistant(
    server: ScriptedServer, backend: ToolBackend, memory: ConversationMemory, **config: float | int | bool
) -> Assistant:
    model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted", **config))  # type: ignore[arg-type]
    return Assistant(model=model, backend=backend, memory=memory, router=RuleRouter(), model_kind="openai")


def _play(
    turns: Sequence[ScriptedTurn], backend: ToolBackend, memory: ConversationMemory, **config: float | int | bool
) -> tuple[list[Event], ScriptedServer]:
    with ScriptedServer(list(turns)) as server:
        events = list(
            _assistant(server, backend, memory, **config).ask(
                "OEE of L2 yesterday?", session_id="s", user="ann", role="operator"
            )
        )
    return events, server


def _final(events: list[Event]) -> FinalAnswer:
    assert [e for e in events if isinstance(e, Error)] == []
    return next(e for e in events if isinstance(e, FinalAnswer))


def _error(events: list[Event]) -> str:
    errors = [e.message for e in events if isinstance(e, Error)]
    assert len(errors) == 1, events
    assert "\n" not in errors[0]
    return errors[0]


OK = [call_tool("line_oee", line="L2", period="yesterday"), reply("OEE of L2 yesterday was 71.3 %.")]


def test_a_503_with_retry_after_is_waited_for_then_the_call_succeeds(
    backend: ToolBackend, memory: ConversationMemory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="agents.models.retries"):
        events, server = _play([http_error(503, retry_after="1"), *OK], backend, memory)
    assert _final(events).text.endswith("OEE of L2 yesterday was 71.3 %.")
    assert len(server.chat_requests) == 3  # the refused call, its retry, the answer after the tool
    waits = [r.getMessage() for r in caplog.records]
    assert waits == [
        "LLM call failed (attempt 1): the LLM endpoint answered 503: Error code: 503 - scripted server: HTTP 503 "
        "/ 大模型服务返回错误; retrying in 1.0 s"
    ]


def test_429_without_retry_after_backs_off_and_gives_up_after_the_configured_attempts(
    backend: ToolBackend, memory: ConversationMemory
) -> None:
    events, server = _play([http_error(429)] * 3, backend, memory, max_retries=2)
    assert _error(events) == (
        "the LLM endpoint answered 429: Error code: 429 - scripted server: HTTP 429 / 大模型服务返回错误; "
        "gave up after 3 attempt(s) / 已尝试3次"
    )
    assert len(server.chat_requests) == 3


def test_a_500_is_retried_but_a_400_is_not(backend: ToolBackend, memory: ConversationMemory) -> None:
    events, server = _play([http_error(500), *OK], backend, memory, max_retries=1)
    assert _final(events).text.endswith("71.3 %.")
    assert len(server.chat_requests) == 3
    events, server = _play([http_error(400), *OK], backend, memory, max_retries=3)
    assert _error(events) == (
        "the LLM endpoint answered 400: Error code: 400 - scripted server: HTTP 400 / 大模型服务返回错误"
    )
    assert len(server.chat_requests) == 1


def test_a_time_out_is_retried_then_said_plainly(backend: ToolBackend, memory: ConversationMemory) -> None:
    events, server = _play([slow(reply("late"), 3.0)] * 2, backend, memory, timeout_s=0.3, max_retries=1)
    assert _error(events) == (
        "the LLM endpoint did not answer in time (llm_timeout_s) / 大模型服务响应超时; "
        "gave up after 2 attempt(s) / 已尝试2次"
    )
    assert len(server.chat_requests) == 2


def test_a_stream_broken_before_any_word_is_retried(backend: ToolBackend, memory: ConversationMemory) -> None:
    # The first chunk only says "assistant"; the connection drops before any content.
    events, server = _play([broken_stream(OK[0], after_chunks=1), *OK], backend, memory)
    assert _final(events).text.endswith("OEE of L2 yesterday was 71.3 %.")
    assert len(server.chat_requests) == 3


def test_a_stream_broken_after_words_were_shown_is_reported_not_replayed(
    backend: ToolBackend, memory: ConversationMemory
) -> None:
    events, server = _play([OK[0], broken_stream(OK[1], after_chunks=3), OK[1]], backend, memory)
    assert _error(events) == (
        "the LLM endpoint's reply broke off before it was complete / 大模型服务的回复中途中断; "
        "gave up after 1 attempt(s) / 已尝试1次"
    )
    assert len(server.chat_requests) == 2  # never asked again: the words already shown cannot be taken back


def _status_error(status: int, headers: dict[str, str]) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, headers=headers, request=request)
    return openai.APIStatusError("busy", response=response, body=None)


def test_retry_after_in_seconds_milliseconds_or_as_a_date() -> None:
    assert retry_after_s(_status_error(503, {"Retry-After": "7"})) == 7.0
    assert retry_after_s(_status_error(429, {"retry-after-ms": "250", "Retry-After": "7"})) == 0.25
    dated = _status_error(503, {"Retry-After": "Fri, 20 Nov 2026 06:00:30 GMT"})
    assert retry_after_s(dated, now=1_795_154_400.0) == 30.0  # 2026-11-20 06:00:00 UTC
    assert retry_after_s(_status_error(503, {"Retry-After": "soon"})) is None
    assert retry_after_s(_status_error(503, {})) is None


def test_which_failures_are_retried() -> None:
    assert [is_retryable(_status_error(s, {})) for s in (400, 401, 404, 408, 429, 500, 502, 503, 504)] == [
        False, False, False, True, True, True, True, True, True
    ]  # fmt: skip
    assert is_retryable(httpx.RemoteProtocolError("peer closed connection"))
    assert not is_retryable(ValueError("bad"))


class _State:
    def __init__(self, exc: BaseException, attempt: int) -> None:
        self.attempt_number = attempt
        self.outcome = self
        self._exc = exc
        self.idle_for = 0.0
        self.upcoming_sleep = 0.0

    def exception(self) -> BaseException:
        return self._exc


def test_a_retry_after_beyond_the_cap_waits_only_the_cap() -> None:
    wait = wait_for_server(RetryPolicy(retries=3, max_wait_s=5.0))
    assert wait(_State(_status_error(503, {"Retry-After": "120"}), 1)) == 5.0  # type: ignore[arg-type]
    assert wait(_State(_status_error(503, {"Retry-After": "2"}), 1)) == 2.0  # type: ignore[arg-type]
