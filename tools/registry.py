"""A registry: the tools one process loaded, by name and domain, plus the plugins that failed to load.

There is no global registry; `tools.plugins.load_registry` builds a fresh one each time, and tests
build their own with `Registry.of(...)`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tools.contract import Domain, Tool
from tools.errors import ToolError, ToolNotFoundError

__all__ = ["BrokenPlugin", "Registry"]


@dataclass(frozen=True)
class BrokenPlugin:
    """A plugin that could not be imported or could not register its tools."""

    name: str
    error: str


class Registry:
    """Tools by name, in load order, with the source (builtin or plugin distribution) of each."""

    def __init__(self) -> None:
        self._tools: dict[str, Tool] = {}
        self.broken: list[BrokenPlugin] = []

    @classmethod
    def of(cls, *tools: Tool, source: str = "builtin") -> Registry:
        """A registry holding exactly these tools (handy in tests and embedding)."""
        registry = cls()
        registry.add_all(tools, source=source)
        return registry

    def add_all(self, tools: Iterable[Tool], *, source: str) -> None:
        """Add a plugin's tools all or nothing; raises ToolError on a duplicate name."""
        batch = list(tools)
        seen: set[str] = set()
        for item in batch:
            if not isinstance(item, Tool):
                raise ToolError(f"{source}: register() expects a Tool (use the @tool decorator), got {item!r}")
            if item.name in self._tools or item.name in seen:
                owner = self._tools[item.name].source if item.name in self._tools else source
                raise ToolError(f"{source}: tool name {item.name!r} is already registered by {owner}")
            seen.add(item.name)
        for item in batch:
            # The source says where a tool came from (shown by `andon tools list`); it is a fact about
            # the tool's package, so every registry that loads it records the same value.
            item.source = source
            self._tools[item.name] = item

    @property
    def tools(self) -> list[Tool]:
        """Every loaded tool, in load order."""
        return list(self._tools.values())

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    def get(self, name: str) -> Tool:
        """The tool of that name; raises ToolNotFoundError with near matches."""
        try:
            return self._tools[name]
        except KeyError:
            raise ToolNotFoundError(name, difflib.get_close_matches(name, self._tools, n=3, cutoff=0.6)) from None

    def by_domain(self, domain: Domain | str) -> list[Tool]:
        """The tools of one domain, in load order."""
        return [item for item in self._tools.values() if item.domain == domain]

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(list(self._tools.values()))

    def __len__(self) -> int:
        return len(self._tools)

    def __repr__(self) -> str:
        return f"Registry({len(self)} tools, {len(self.broken)} broken plugins)"
