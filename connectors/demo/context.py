"""State shared by the generator's steps: the connection, seeded random streams, writers, ids."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import Connection
from sqlmodel import SQLModel

from connectors.demo.catalog import EquipmentSpec, LineSpec
from connectors.demo.scales import Scale
from connectors.demo.writer import TableWriter

__all__ = ["LinePlan", "MachinePlan", "SeedContext"]


@dataclass(frozen=True)
class MachinePlan:
    spec: EquipmentSpec
    id: int
    code: str
    stream: int  # random stream number of this machine (stable across scales)
    is_core: bool  # a catalog machine (carries sensors, SPC and stories), not a large-scale copy


@dataclass(frozen=True)
class LinePlan:
    spec: LineSpec
    id: int
    code: str
    stream: int
    machines: tuple[MachinePlan, ...]
    is_core: bool

    @property
    def output(self) -> MachinePlan:
        return next(m for m in self.machines if m.spec.is_line_output)


@dataclass
class SeedContext:
    connection: Connection
    seed: int
    scale: Scale
    start: datetime
    clock: datetime
    ids: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    lines: list[LinePlan] = field(default_factory=list)
    _writers: dict[type[SQLModel], TableWriter] = field(default_factory=dict)
    _codes: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))

    @property
    def hours(self) -> int:
        return int((self.clock - self.start).total_seconds() // 3600)

    def rng(self, *keys: int) -> np.random.Generator:
        """An independent random stream for (seed, *keys): steps do not disturb each other's draws."""
        return np.random.default_rng([self.seed, *keys])

    def writer(self, model: type[SQLModel]) -> TableWriter:
        if model not in self._writers:
            self._writers[model] = TableWriter(self.connection, model)
        return self._writers[model]

    def flush(self, *models: type[SQLModel]) -> None:
        for model in models:
            self.writer(model).flush()

    def flush_all(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    def written(self) -> dict[str, int]:
        return {w.name: w.written for w in self._writers.values()}

    def at(self, minutes: float) -> datetime:
        """The plant time `minutes` after the start of the horizon."""
        return self.start + timedelta(minutes=minutes)

    def code(self, prefix: str, when: date, width: int = 4) -> str:
        """Next human-readable document number, e.g. MO-260113: prefix, two-digit year, yearly sequence."""
        year = when.year % 100
        self._codes[(prefix, year)] += 1
        return f"{prefix}-{year:02d}{self._codes[(prefix, year)]:0{width}d}"
