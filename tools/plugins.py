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

A plugin with settings of its own declares their model; its `[plugins.NAME]` section of andon.toml
(NAME = the entry point's name) is validated against it and handed to the hook:

    class HistorianSettings(BaseModel):
        url: str
        timeout_s: float = 5.0

    @plugin_settings(HistorianSettings)
    def register_tools(register, settings: HistorianSettings):
        register(make_history_tool(settings.url, settings.timeout_s))

Built-in tools load through the same door (entry point `builtin`). A plugin that fails to import or
to register, or whose settings are invalid, is reported in `Registry.broken` with a one-line reason
and the others still load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from tools.contract import Tool
from tools.registry import BrokenPlugin, Registry

__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "RegisterTools",
    "discover_plugins",
    "load_registry",
    "plugin_settings",
    "settings_model_of",
]

ENTRY_POINT_GROUP = "andon.tools"
BUILTIN = "builtin"

#: What a plugin's entry point refers to: called once with `register`, it registers its tools.
RegisterTools = Callable[[Callable[[Tool], None]], None]

_Hook = TypeVar("_Hook", bound=Callable[..., None])
_SETTINGS_ATTRIBUTE = "andon_settings_model"


def plugin_settings(model: type[BaseModel]) -> Callable[[_Hook], _Hook]:
    """Declare the settings model of a plugin's register hook; the hook is then called as
    `hook(register, settings)` with its `[plugins.NAME]` section validated into `model`."""

    def mark(hook: _Hook) -> _Hook:
        setattr(hook, _SETTINGS_ATTRIBUTE, model)
        return hook

    return mark


def settings_model_of(hook: Any) -> type[BaseModel] | None:
    """The settings model a register hook declared with `plugin_settings`, if any."""
    model = getattr(hook, _SETTINGS_ATTRIBUTE, None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _settings_error(name: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"invalid settings [plugins.{name}]{' ' + where if where else ''}: {first['msg']}"


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


def load_registry(
    allow: list[str] | None = None,
    *,
    plugins: Iterable[EntryPoint] | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> Registry:
    """A fresh registry of every allowed plugin's tools ("builtin" always loads; None allows all).

    `settings` are the `[plugins.NAME]` sections by entry-point name; `plugins` replaces discovery (tests
    pass their own entry points).
    """
    registry = Registry()
    sections = dict(settings or {})
    for ep in discover_plugins() if plugins is None else plugins:
        if not _allowed(ep, allow):
            continue
        section = sections.pop(ep.name, None)
        staged: list[Tool] = []
        try:
            hook = ep.load()
            model = settings_model_of(hook)
            if model is not None:
                hook(staged.append, model.model_validate(dict(section or {})))
            elif section is not None:
                raise ValueError(f"[plugins.{ep.name}] is set, but the plugin takes no settings")
            else:
                hook(staged.append)
            registry.add_all(staged, source=_source(ep))
        except ValidationError as exc:
            registry.broken.append(BrokenPlugin(ep.name, _settings_error(ep.name, exc)))
        except Exception as exc:  # a broken plugin must not take the others down
            registry.broken.append(BrokenPlugin(ep.name, f"{type(exc).__name__}: {exc}"))
    for name in sorted(sections):
        registry.broken.append(BrokenPlugin(name, f"[plugins.{name}] configures no installed plugin"))
    return registry
