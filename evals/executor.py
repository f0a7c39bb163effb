"""The pluggable part of a run: something that plays one case against the system under test.

The runner only knows this protocol. `evals.executors` has the router-only executor and the
agents-facade executor; tests use fakes.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from evals.outcome import CaseOutcome
from evals.schema import CaseSpec

__all__ = ["CaseExecutor", "TransportError", "is_transport_error"]


class TransportError(Exception):
    """The model endpoint could not be reached or answered with a retryable error; the attempt is retried."""


# Exception class names of the OpenAI / httpx clients that mean "try again", matched by name so that
# evals does not import those clients.
_RETRYABLE_NAMES = {
    "APIConnectionError",
    "APITimeoutError",
    "RateLimitError",
    "InternalServerError",
    "ConnectError",
    "ReadTimeout",
    "RemoteProtocolError",
}


def is_transport_error(exc: BaseException) -> bool:
    """Whether an exception is a transport problem worth retrying (not a wrong answer, not a bug)."""
    if isinstance(exc, TransportError | ConnectionError):
        return True
    return any(cls.__name__ in _RETRYABLE_NAMES for cls in type(exc).__mro__)


@runtime_checkable
class CaseExecutor(Protocol):
    """Runs one attempt at one case and reports what the system did."""

    @property
    def model_id(self) -> str:
        """Identifies the model under test (part of the cache key and the report)."""
        ...

    async def run(self, case: CaseSpec, attempt: int) -> CaseOutcome:
        """Play the case; raise a transport error to get a retry, anything else fails the attempt."""
        ...
