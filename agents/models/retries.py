"""Retrying an LLM endpoint: which failures to try again, how long to wait, and what to say in the end.

The OpenAI client's own retries are off; these are the only ones, so the attempts, the waits and the
final message are the same for every door (CLI, console, evals). A server that says how long to wait
(`Retry-After` / `retry-after-ms`, on a 429 or 503 above all) is waited for, up to a cap; otherwise the
wait grows exponentially with jitter. A stream is retried only while nothing of it has been handed on:
a reply that broke off after its first words cannot be taken back, so it ends with a clear message.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from agents.errors import AgentError

_log = logging.getLogger(__name__)

__all__ = [
    "RETRYABLE_STATUS",
    "LLMUnavailableError",
    "RetryPolicy",
    "StreamBrokeOffError",
    "describe_llm_failure",
    "is_retryable",
    "retry_after_s",
    "retry_options",
    "wait_for_server",
]

#: Statuses worth another attempt: request timeout, conflict, rate limit, server errors.
RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})

# Exception class names of the OpenAI / httpx clients that mean "the endpoint did not answer properly",
# matched by name so that this module (and evals, which uses it) does not import those clients.
_TRANSPORT_NAMES = frozenset(
    {"APIConnectionError", "APITimeoutError", "ConnectError", "ReadTimeout", "RemoteProtocolError", "ReadError"}
)


class LLMUnavailableError(AgentError):
    """The LLM endpoint failed on every attempt; the message is one line for the user."""


class StreamBrokeOffError(Exception):
    """A streamed reply ended before the server said it was complete (no finish reason)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to call again: `retries` after the first attempt."""

    retries: int = 2
    max_wait_s: float = 30.0  # the longest wait, whatever a server's Retry-After says
    initial_wait_s: float = 0.5

    @property
    def attempts(self) -> int:
        return self.retries + 1


def _status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def is_retryable(exc: BaseException) -> bool:
    """Whether `exc` is a failure of the endpoint worth another attempt (not a bad request, not a bug)."""
    if isinstance(exc, StreamBrokeOffError | ConnectionError | TimeoutError):
        return True
    status = _status_of(exc)
    if status is not None:
        return status in RETRYABLE_STATUS
    return any(cls.__name__ in _TRANSPORT_NAMES for cls in type(exc).__mro__)


def retry_after_s(exc: BaseException, *, now: float | None = None) -> float | None:
    """The wait a server asked for with `retry-after-ms` or `Retry-After` (seconds or an HTTP date), if any."""
    explicit = getattr(exc, "retry_after_s", None)
    if isinstance(explicit, int | float):
        return max(0.0, float(explicit))
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def wait_for_server(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    """A tenacity wait: the server's Retry-After when it gave one (capped), else exponential with jitter."""
    start = policy.initial_wait_s
    backoff = wait_exponential_jitter(initial=start, max=policy.max_wait_s, jitter=start)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        asked = retry_after_s(exc) if exc is not None else None
        return min(asked, policy.max_wait_s) if asked is not None else float(backoff(state))

    return wait


def describe_llm_failure(exc: BaseException) -> str | None:
    """One line for a failure of the LLM endpoint; None when `exc` is no such failure."""
    if isinstance(exc, StreamBrokeOffError):
        return "the LLM endpoint's reply broke off before it was complete / 大模型服务的回复中途中断"
    name = {cls.__name__ for cls in type(exc).__mro__}
    cause = exc.__cause__ or exc.__context__
    if "APIConnectionError" in name and cause is not None and not isinstance(cause, type(exc)):
        # The client wraps what the transport said ("Connection error."): the cause says which failure it was.
        said = describe_llm_failure(cause)
        if said is not None:
            return said
    if "APITimeoutError" in name or "ReadTimeout" in name:
        return "the LLM endpoint did not answer in time (llm_timeout_s) / 大模型服务响应超时"
    if "RemoteProtocolError" in name or "ReadError" in name:
        return "the LLM endpoint's reply broke off before it was complete / 大模型服务的回复中途中断"
    if "APIConnectionError" in name or "ConnectError" in name:
        return f"the LLM endpoint cannot be reached ({' '.join(str(exc).split())}) / 无法连接大模型服务"
    status = _status_of(exc)
    if status is not None:
        # One line: a server's message may be a whole validation report.
        said = " ".join(str(getattr(exc, "message", exc)).split())
        said = said if len(said) <= 300 else said[:300] + "…"
        return f"the LLM endpoint answered {status}: {said} / 大模型服务返回错误"
    return None


def gave_up(exc: BaseException, attempts: int) -> LLMUnavailableError:
    """The error to raise after the last attempt failed with `exc`."""
    said = describe_llm_failure(exc) or f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return LLMUnavailableError(f"{said}; gave up after {attempts} attempt(s) / 已尝试{attempts}次")


def _log_wait(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    why = describe_llm_failure(exc) if exc is not None else None
    _log.warning("LLM call failed (attempt %d): %s; retrying in %.1f s", state.attempt_number, why or exc, wait)


def retry_options(policy: RetryPolicy, retry: Callable[[BaseException], bool] = is_retryable) -> dict[str, Any]:
    """tenacity options for one model call under `policy`: which failures, how many attempts, how long to wait."""
    return {
        "retry": retry_if_exception(retry),
        "stop": stop_after_attempt(policy.attempts),
        "wait": wait_for_server(policy),
        "before_sleep": _log_wait,
        "reraise": True,
    }


def call_with_retries(policy: RetryPolicy, call: Callable[[], Any]) -> Any:
    """`call()` under `policy`; the last failure of the endpoint becomes an `LLMUnavailableError`."""
    try:
        return Retrying(**retry_options(policy))(call)
    except Exception as exc:
        if is_retryable(exc):
            raise gave_up(exc, policy.attempts) from exc
        raise
