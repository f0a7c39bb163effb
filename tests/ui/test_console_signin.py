"""Console sign-in under abuse: lockout per user name and per client address, a rate limit per address,
the same scrypt work for unknown users, sign-ins that expire; Gradio's monitoring and run history off,
security headers on every response."""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr

from ui.config import AndonSettings, UserAccount
from ui.console import auth
from ui.console.auth import hash_password
from ui.console.backend import ConsoleBackend, SignedIn
from ui.console.handlers import Handlers, session_state
from ui.console.security_headers import SECURITY_HEADERS
from ui.console.signin_guard import SignInGuard, SignInLimits

from .conftest import RunningConsole

USERS = [
    UserAccount(name="ann", role="operator", password_hash=SecretStr(hash_password("right-1"))),
    UserAccount(name="bob", role="engineer", password_hash=SecretStr(hash_password("right-2"))),
]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_lock_the_user_name_for_the_lockout_whatever_the_password() -> None:
    clock = Clock()
    guard = SignInGuard(SignInLimits(max_failures=5, lockout_s=900), clock=clock)
    for _ in range(5):
        assert guard.wait_s("ann", "10.0.0.1") == 0.0
        guard.failed("ann", "10.0.0.1")
        clock.now += 1
    assert guard.wait_s("ann", "10.0.0.9") == 899.0  # locked until 1904 (5th failure at t=1004), any address
    assert guard.wait_s("bob", "10.0.0.9") == 0.0  # other users are not
    clock.now = 1004 + 900
    assert guard.wait_s("ann", "10.0.0.1") == 0.0


def test_failures_older_than_the_window_do_not_count() -> None:
    clock = Clock()
    guard = SignInGuard(SignInLimits(max_failures=3, window_s=60, attempts_per_minute=100), clock=clock)
    for _ in range(2):
        guard.failed("ann", "c")
    clock.now += 61
    guard.failed("ann", "c")
    assert guard.wait_s("ann", "c") == 0.0


def test_one_address_guessing_many_users_is_locked_itself() -> None:
    clock = Clock()
    guard = SignInGuard(SignInLimits(max_failures=5, max_failures_per_client=4, attempts_per_minute=100), clock=clock)
    for name in ("u1", "u2", "u3", "u4"):
        guard.failed(name, "10.0.0.66")
    assert guard.wait_s("ann", "10.0.0.66") == 900.0
    assert guard.wait_s("ann", "10.0.0.7") == 0.0


def test_an_address_may_try_ten_times_a_minute() -> None:
    clock = Clock()
    guard = SignInGuard(SignInLimits(attempts_per_minute=10), clock=clock)
    for i in range(10):
        assert guard.wait_s(f"user{i}", "c") == 0.0
        clock.now += 1
    assert guard.wait_s("user10", "c") == 50.0  # at t=1010; the first attempt (t=1000) leaves the minute at 1060
    clock.now = 1060
    assert guard.wait_s("user10", "c") == 0.0


def test_a_right_password_clears_the_users_failures() -> None:
    guard = SignInGuard(SignInLimits(max_failures=3, attempts_per_minute=100), clock=Clock())
    guard.failed("ann", "c")
    guard.failed("ann", "c")
    guard.succeeded("ann")
    guard.failed("ann", "c")
    guard.failed("ann", "c")
    assert guard.wait_s("ann", "c") == 0.0


@pytest.fixture
def handlers(tmp_path: Path) -> Handlers:
    settings = AndonSettings(data_home=tmp_path, ui_auth=True, users=USERS, ui_signin_max_failures=5)
    return Handlers(ConsoleBackend(settings, assistant=None))


def _request(host: str) -> Any:
    return SimpleNamespace(client=SimpleNamespace(host=host))


def test_the_console_locks_a_user_after_five_wrong_passwords(handlers: Handlers) -> None:
    state = session_state("en")
    for _ in range(5):
        out = handlers.sign_in("ann", "wrong", state, _request("10.1.1.1"))
        assert out[1]["value"] == "Unknown user or wrong password."
    out = handlers.sign_in("ann", "right-1", state, _request("10.1.1.2"))
    assert out[0]["account"] is None
    assert out[1]["value"] == "Too many sign-in attempts; try again in 15 min."
    zh = handlers.sign_in("ann", "right-1", session_state("zh"), _request("10.1.1.3"))
    assert zh[1]["value"] == "登录尝试次数过多，请 15 分钟后再试。"
    bob = handlers.sign_in("bob", "right-2", session_state("en"), _request("10.1.1.2"))
    assert bob[0]["account"].name == "bob"


def test_a_sign_in_expires_after_its_time(handlers: Handlers) -> None:
    out = handlers.sign_in("bob", "right-2", session_state("en"), _request("10.1.1.4"))
    state = out[0]
    assert state["account"].name == "bob"
    assert 8 * 3600 - 5 < state["expires_at"] - time.monotonic() <= 8 * 3600
    state["expires_at"] = time.monotonic() - 1
    with pytest.raises(Exception, match=r"Your sign-in has expired; please sign in again\. / 登录已过期"):
        next(handlers.ask("OEE of line 1 yesterday", [], state))
    assert state["account"] is None
    with pytest.raises(Exception, match="sign in first"):
        next(handlers.ask("OEE of line 1 yesterday", [], state))


def test_an_unknown_user_costs_the_same_scrypt_work_as_a_wrong_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = AndonSettings(data_home=tmp_path, users=USERS)
    auth._decoy_hash()  # made once per process, before any sign-in is timed
    calls: list[int] = []
    real_scrypt = hashlib.scrypt

    def counting(password: bytes, **kwargs: Any) -> bytes:
        calls.append(kwargs["n"])
        return real_scrypt(password, **kwargs)

    monkeypatch.setattr(auth.hashlib, "scrypt", counting)
    assert auth.authenticate(settings, "ann", "wrong") is None
    assert auth.authenticate(settings, "nobody", "wrong") is None
    assert auth.authenticate(settings, "", "") is None
    assert calls == [2**14, 2**14, 2**14]
    assert SignedIn.of(auth.authenticate(settings, "ann", "right-1")).name == "ann"  # type: ignore[arg-type]


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


def test_the_running_console_sends_security_headers_and_keeps_monitoring_and_run_history_off(
    console: RunningConsole,
) -> None:
    status, headers = _get(console.url)
    assert status == 200
    assert {name: headers.get(name) for name, _ in SECURITY_HEADERS} == dict(SECURITY_HEADERS)
    assert _get(console.url + "monitoring")[0] == 403
    assert _get(console.url + "gradio_api/runs")[0] == 404
    status, headers = _get(console.url + "gradio_api/info")
    assert headers.get("x-frame-options") == "DENY"


def test_random_user_names_do_not_grow_the_guard_without_bound() -> None:
    clock = Clock()
    guard = SignInGuard(SignInLimits(attempts_per_minute=10**9, max_failures_per_client=10**9), clock=clock)
    for i in range(10_001):
        guard.failed(f"guess-{i}", "c")
    guard.failed("ann", "c")
    clock.now += 301  # every failure has left the window
    assert guard.wait_s("bob", "c") == 0.0
    assert len(guard._users) == 1  # only bob, who is being checked now
