"""Conversation memory shared by many sessions at once, as the console's workers use it."""

from __future__ import annotations

import threading
from pathlib import Path

from agents.runtime import ConversationMemory


def test_session_facts_wait_while_the_checkpointer_uses_the_shared_connection(tmp_path: Path) -> None:
    # One sqlite3 connection serves both; statements of two threads interleaving on it fail under load
    # ("no more rows available"), so both must take the same lock.
    memory = ConversationMemory(tmp_path / "memory.sqlite")
    memory.remember("s1", owner="ann", domains=["production"], lang="en")
    seen: list[object] = []
    reader = threading.Thread(target=lambda: seen.append(memory.session("s1")))
    with memory.checkpointer.lock:  # as while a turn's checkpoint is being written
        reader.start()
        reader.join(timeout=0.5)
        assert reader.is_alive()  # still waiting for the connection
        assert seen == []
    reader.join(timeout=60)
    assert [getattr(record, "owner", None) for record in seen] == ["ann"]
    memory.close()
