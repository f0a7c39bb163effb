"""Batched inserts with SQLAlchemy Core: bounded memory for any scale, explicit ids so that the
same seed writes the same rows in the same order on every database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table
from sqlmodel import SQLModel

__all__ = ["TableWriter"]


class TableWriter:
    """Collects rows of one table and inserts them `batch_size` at a time (executemany)."""

    def __init__(
        self,
        connection: Connection,
        model: type[SQLModel],
        *,
        batch_size: int = 5000,
        on_flush: Callable[[str, int], None] | None = None,
    ) -> None:
        self._connection = connection
        self._table: Table = model.__table__  # type: ignore[attr-defined]
        self._batch_size = batch_size
        self._on_flush = on_flush
        self._rows: list[dict[str, Any]] = []
        self.next_id = 1
        self.written = 0

    @property
    def name(self) -> str:
        return self._table.name

    def add(self, **row: Any) -> int:
        """Queue one row; returns the id it will have."""
        row_id = self.next_id
        self.next_id += 1
        row["id"] = row_id
        self._rows.append(row)
        if len(self._rows) >= self._batch_size:
            self.flush()
        return row_id

    def flush(self) -> None:
        if not self._rows:
            return
        self._connection.execute(self._table.insert(), self._rows)
        self.written += len(self._rows)
        if self._on_flush is not None:
            self._on_flush(self.name, len(self._rows))
        self._rows = []
