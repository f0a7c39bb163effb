"""Reference functions that compute gold values from the plant data.

A gold function takes a database session, the plant clock and keyword arguments (entity codes and
time expressions) and returns a number or a short text. Suites name them (`gold: {fn: line_oee,
args: {line: L2, period: yesterday}}`); they are evaluated when a run starts, against the plant
the run uses, so the expected answer always matches the data instead of a pasted constant.

They are written independently of the tools (plain queries over the connectors models plus the
KPI arithmetic of `tools.kpi`, i.e. the KPI.md definitions), so a tool that reads the wrong rows
fails its case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from evals.errors import GoldError
from evals.schema import GoldRef

__all__ = ["GoldFunction", "GoldRegistry", "GoldResolver"]

GoldFunction = Callable[..., Any]


@dataclass(frozen=True)
class _Entry:
    name: str
    fn: GoldFunction
    description: str


class GoldRegistry:
    """Named gold functions; `evals.gold.GOLD` holds the built-in ones."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def reference(self, name: str) -> Callable[[GoldFunction], GoldFunction]:
        """Register `fn(session, now, **args)` under `name`."""

        def wrap(fn: GoldFunction) -> GoldFunction:
            if name in self._entries:
                raise ValueError(f"gold function {name!r} registered twice")
            doc = (fn.__doc__ or "").strip().splitlines()
            self._entries[name] = _Entry(name, fn, doc[0] if doc else "")
            return fn

        return wrap

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))

    def describe(self, name: str) -> str:
        return self._entries[name].description

    def compute(self, session: Session, now: datetime, ref: GoldRef) -> Any:
        """The gold value of a reference; GoldError names the function and what went wrong."""
        entry = self._entries.get(ref.fn)
        if entry is None:
            raise GoldError(f"unknown gold function {ref.fn!r} (known: {', '.join(self)}) / 未知的标准答案函数")
        try:
            value = entry.fn(session, now, **ref.args)
        except GoldError:
            raise
        except TypeError as exc:
            raise GoldError(f"gold function {ref.fn}: bad arguments {ref.args} ({exc})") from None
        if ref.field is not None:
            if not hasattr(value, ref.field):
                raise GoldError(f"gold function {ref.fn}: result has no field {ref.field!r}")
            value = getattr(value, ref.field)
        return value


class GoldResolver:
    """Computes gold references against one plant database (one session, the plant's own clock)."""

    def __init__(self, engine: Engine, registry: GoldRegistry) -> None:
        self.engine = engine
        self.registry = registry
        self._cache: dict[str, Any] = {}

    def __call__(self, ref: GoldRef) -> Any:
        from connectors import plant_clock

        key = ref.model_dump_json()
        if key not in self._cache:
            with Session(self.engine) as session:
                self._cache[key] = self.registry.compute(session, plant_clock(session), ref)
        return self._cache[key]
