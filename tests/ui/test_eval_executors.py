"""The eval run's own proposal store: created once, opened by every worker, never the plant's queue."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from ui.eval_executors import run_proposal_store


def test_the_store_is_a_file_in_the_run_folder_and_opens_again(tmp_path: Path) -> None:
    run_proposal_store(tmp_path)
    run_proposal_store(tmp_path)  # a second process opening it finds the tables
    with sqlite3.connect(tmp_path / "proposals.db") as db:
        assert db.execute("SELECT count(*) FROM tool_proposal").fetchone() == (0,)


def test_losing_the_race_to_create_the_tables_is_harmless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tools

    real = tools.create_tool_tables
    calls: list[int] = []

    def racing(engine: Any) -> None:
        calls.append(1)
        if len(calls) == 1:  # another worker created the table between our check and our CREATE
            real(engine)
            raise OperationalError("CREATE TABLE tool_proposal", {}, Exception("table tool_proposal already exists"))
        real(engine)

    monkeypatch.setattr(tools, "create_tool_tables", racing)
    store = run_proposal_store(tmp_path)
    assert len(calls) == 2
    assert store.list() == []


def test_other_database_errors_are_not_swallowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tools

    def broken(engine: Any) -> None:
        raise OperationalError("CREATE TABLE tool_proposal", {}, Exception("disk I/O error"))

    monkeypatch.setattr(tools, "create_tool_tables", broken)
    with pytest.raises(OperationalError, match="disk I/O error"):
        run_proposal_store(tmp_path)
