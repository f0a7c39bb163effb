"""Sign-in abuse: a rate limit per client address and a temporary lockout per user name and per address.

Failures are counted in a sliding window; reaching the limit locks the user name (or the address) for
the lockout time, whatever password comes next, so guessing is slow for one account and for one
machine trying many accounts. The state is in memory, per console process; the clock is passed in.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["SignInGuard", "SignInLimits"]

_MAX_TRACKED = 10_000  # names and addresses kept; beyond it, those with nothing recent are forgotten


@dataclass(frozen=True)
class SignInLimits:
    max_failures: int = 5  # per user name in the window
    max_failures_per_client: int = 20  # per client address in the window
    attempts_per_minute: int = 60  # per client address, successful or not (a shift change signs in many)
    window_s: float = 300.0
    lockout_s: float = 900.0


@dataclass
class _Track:
    failures: deque[float] = field(default_factory=deque)
    attempts: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


class SignInGuard:
    """Decides whether a sign-in may be tried now and records how it went."""

    def __init__(self, limits: SignInLimits, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._users: dict[str, _Track] = {}
        self._clients: dict[str, _Track] = {}
        self._lock = threading.Lock()

    def wait_s(self, user: str, client: str) -> float:
        """Seconds until `user` may try from `client` (0 = now); counts the attempt against the rate limit."""
        now = self.clock()
        with self._lock:
            # Random user names must not grow the memory without bound.
            for tracks in (self._users, self._clients):
                if len(tracks) > _MAX_TRACKED:
                    self._forget_idle(tracks, now)
            by_user = self._users.setdefault(user, _Track())
            by_client = self._clients.setdefault(client, _Track())
            locked = max(by_user.locked_until, by_client.locked_until) - now
            if locked > 0:
                return locked
            _drop_before(by_client.attempts, now - 60.0)
            if len(by_client.attempts) >= self.limits.attempts_per_minute:
                return by_client.attempts[0] + 60.0 - now
            by_client.attempts.append(now)
            return 0.0

    def failed(self, user: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for track, limit in (
                (self._users.setdefault(user, _Track()), self.limits.max_failures),
                (self._clients.setdefault(client, _Track()), self.limits.max_failures_per_client),
            ):
                _drop_before(track.failures, now - self.limits.window_s)
                track.failures.append(now)
                if len(track.failures) >= limit:
                    track.locked_until = now + self.limits.lockout_s
                    track.failures.clear()

    def succeeded(self, user: str) -> None:
        """A right password clears the user's failures (not the address's: it may be guessing others)."""
        with self._lock:
            self._users.pop(user, None)

    def _forget_idle(self, tracks: dict[str, _Track], now: float) -> None:
        for key in [k for k, t in tracks.items() if t.locked_until <= now]:
            track = tracks[key]
            _drop_before(track.failures, now - self.limits.window_s)
            _drop_before(track.attempts, now - 60.0)
            if not track.failures and not track.attempts:
                del tracks[key]


def _drop_before(times: deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()
