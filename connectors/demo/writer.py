"""Batched inserts with SQLAlchemy Core: bounded memory for any scale, explicit ids so that the
same seed writes the same rows in the same order on every database.

On SQLite the batch goes to the driver's executemany after SQLAlchemy's own bind processors (so
values are stored exactly as an `insert()` would store them) without per-row statement
compilation, which is most of the cost at millions of rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table
from sqlmodel import SQLModel

_Plan = list[tuple[str, Any, Any]]  # (column key, SQLAlchemy bind processor or None, scalar default)

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
        self._sqlite_insert: tuple[str, _Plan] | None = None
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

    def _prepared_sqlite_insert(self) -> tuple[str, _Plan]:
        if self._sqlite_insert is None:
            dialect = self._connection.dialect
            quote = dialect.identifier_preparer.quote
            columns = list(self._table.columns)
            plan: _Plan = [
                (
                    column.key,
                    column.type._cached_bind_processor(dialect),
                    column.default.arg if column.default is not None and column.default.is_scalar else None,  # type: ignore[attr-defined]
                )
                for column in columns
            ]
            names = ", ".join(quote(column.name) for column in columns)
            marks = ", ".join("?" for _ in columns)
            self._sqlite_insert = (f"INSERT INTO {quote(self._table.name)} ({names}) VALUES ({marks})", plan)
        return self._sqlite_insert

    def flush(self) -> None:
        if not self._rows:
            return
        if self._connection.dialect.name == "sqlite":
            sql, plan = self._prepared_sqlite_insert()
            rows = self._rows
            columns = []
            for key, process, default in plan:  # column by column: cheaper than cell by cell
                values = [row.get(key, default) for row in rows]
                columns.append(list(map(process, values)) if process is not None else values)
            self._connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))
        else:
            self._connection.execute(self._table.insert(), self._rows)
        self.written += len(self._rows)
        if self._on_flush is not None:
            self._on_flush(self.name, len(self._rows))
        self._rows = []
