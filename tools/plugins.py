"""The plugin surface. This is the whole of it:

    # my_plugin/__init__.py
    from tools import Permission, ToolContext, ToolResult, tool

    @tool(domain="equipment", description_zh="...", examples=["...", "..."])
    def my_tool(ctx: ToolContext, line: str) -> MyResult:
        '''What it does, for the model.'''

    def register_tools(register):
        register(my_tool)

    # pyproject.toml
    [project.entry-points."andon.tools"]
    my_plugin = "my_plugin:register_tools"

Built-in tools load through the same door (entry point `builtin`). A plugin that fails to import or
to register is reported in `Registry.broken` and the others still load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points

from tools.contract import Tool
from tools.registry import BrokenPlugin, Registry

__all__ = ["BUILTIN", "ENTRY_POINT_GROUP", "RegisterTools", "discover_plugins", "load_registry"]

ENTRY_POINT_GROUP = "andon.tools"
BUILTIN = "builtin"

#: What a plugin's entry point refers to: called once with `register`, it registers its tools.
RegisterTools = Callable[[Callable[[Tool], None]], None]


def discover_plugins() -> list[EntryPoint]:
    """Installed plugins: the entry points of group `andon.tools`, builtin first, then by name."""
    found = list(entry_points(group=ENTRY_POINT_GROUP))
    return sorted(found, key=lambda ep: (ep.name != BUILTIN, ep.name))


def _source(ep: EntryPoint) -> str:
    if ep.name == BUILTIN:
        return BUILTIN
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else ep.name


def _allowed(ep: EntryPoint, allow: list[str] | None) -> bool:
    if allow is None or ep.name == BUILTIN:
        return True
    return ep.name in allow or _source(ep) in allow


def load_registry(allow: list[str] | None = None, *, plugins: Iterable[EntryPoint] | None = None) -> Registry:
    """A fresh registry of every allowed plugin's tools ("builtin" always loads; None allows all).

    `plugins` replaces discovery (tests pass their own entry points).
    """
    registry = Registry()
    for ep in discover_plugins() if plugins is None else plugins:
        if not _allowed(ep, allow):
            continue
        staged: list[Tool] = []
        try:
            hook = ep.load()
            hook(staged.append)
            registry.add_all(staged, source=_source(ep))
        except Exception as exc:  # a broken plugin must not take the others down
            registry.broken.append(BrokenPlugin(ep.name, f"{type(exc).__name__}: {exc}"))
    return registry
