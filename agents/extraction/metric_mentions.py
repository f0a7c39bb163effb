"""Metric names inside free text: "1号线昨天的质量率" names the OEE quality factor, "合格品" the good count.

The names come from the metric catalogue (`tools.metrics`) and the metrics the registered tools declare,
so a plugin's own metric is found like a built-in one. Matching is longest name first and never
overlapping, so "一次合格率" (first pass yield) is not read as "合格率" (quality rate); English names match
whole words only, case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

__all__ = ["MetricMention", "MetricNames", "find_metric_mentions"]


class _Named(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def names(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class MetricMention:
    """A metric named in a text: its key, the words as written and where."""

    key: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class MetricNames:
    """Every name of every known metric, compiled once into one pattern (longest names first)."""

    pattern: re.Pattern[str] | None
    keys: dict[str, str]

    @classmethod
    def of(cls, metrics: Iterable[_Named]) -> MetricNames:
        """The names of `metrics` (anything with `key` and `names`, e.g. `tools.Metric`)."""
        keys: dict[str, str] = {}
        for metric in metrics:
            for name in metric.names:
                folded = _fold(name)
                if len(folded) >= 2:
                    keys.setdefault(folded, metric.key)
        return cls(_compile(tuple(sorted(keys, key=len, reverse=True))), keys)


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


@lru_cache(maxsize=32)
def _compile(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    parts = []
    for name in names:
        escaped = re.escape(name).replace(r"\ ", r"[\s\-]+")
        # English names are whole words ("Cp" is not inside "CP-40", a pump); Chinese names are not.
        parts.append(rf"(?<![a-z0-9\-]){escaped}(?![a-z0-9\-])" if name.isascii() else escaped)
    return re.compile("|".join(parts), re.IGNORECASE)


def find_metric_mentions(text: str, names: MetricNames) -> list[MetricMention]:
    """Metrics named in `text`, in order of appearance (each span once, longest name first)."""
    if names.pattern is None:
        return []
    found = []
    for match in names.pattern.finditer(text):
        key = names.keys.get(_fold(match.group(0)))
        if key is not None:
            found.append(MetricMention(key=key, text=match.group(0), start=match.start(), end=match.end()))
    return found
