"""Conversation memory in PostgreSQL: what one memory object remembers, another (another worker) reads;
several workers creating it at the same moment on a fresh database all come up."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from agents.runtime import PostgresConversationMemory, SessionRecord

pytestmark = pytest.mark.postgres


def test_session_facts_written_by_one_worker_are_read_by_another(postgres_database: Callable[[str], str]) -> None:
    url = postgres_database("andon_memory")
    one, other = PostgresConversationMemory(url), PostgresConversationMemory(url)
    one.remember("s1", owner="ann", domains=["maintenance"], lang="zh", paused_thread="t1", paused_proposals=(7, 9))
    assert other.session("s1") == SessionRecord(
        session_id="s1",
        domains=["maintenance"],
        lang="zh",
        paused_thread="t1",
        paused_domain=None,
        paused_proposals=(7, 9),
        owner="ann",
    )
    other.forget("s1", owner="bob", threads=[])  # not bob's session: kept
    assert one.session("s1") is not None
    other.forget("s1", owner="ann", threads=["t1"])
    assert one.session("s1") is None
    one.close()
    other.close()


def test_four_workers_setting_up_at_once_all_come_up(postgres_database: Callable[[str], str]) -> None:
    url = postgres_database("andon_memory_setup")
    made: list[PostgresConversationMemory] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            made.append(PostgresConversationMemory(url, max_connections=2))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert [thread.is_alive() for thread in threads] == [False] * 4
    assert (len(made), errors) == (4, [])
    made[0].remember("s2", owner="ann", domains=["production"], lang="en")
    assert [m.session("s2").domains for m in made] == [["production"]] * 4  # type: ignore[union-attr]
    for memory in made:
        memory.close()
