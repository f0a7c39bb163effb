"""What the offline model knows about a bound tool: name, descriptions, parameters, examples, permission."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ToolSpec", "spec_from_bound", "spec_to_dict", "to_tool_spec"]


@dataclass(frozen=True)
class ToolSpec:
    """A tool as the offline model sees it. `parameters` is the JSON schema of the arguments."""

    name: str
    description: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    description_zh: str = ""
    permission: str = "read"
    domain: str = ""
    metrics: Mapping[str, str] = field(default_factory=dict)
    """Metric key -> result field path of the metrics the tool computes (see `tools.metrics`)."""
    explains: tuple[str, ...] = ()
    """Metrics whose causes the tool's result shows (asked "why", it is called beside the metric's tool)."""

    @property
    def properties(self) -> Mapping[str, Any]:
        props = self.parameters.get("properties") or {}
        return props if isinstance(props, Mapping) else {}

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.parameters.get("required") or ())

    @property
    def is_write(self) -> bool:
        return self.permission == "write"


def to_tool_spec(tool: Any) -> ToolSpec:
    """A bound tool (LangChain BaseTool, OpenAI tool dict, registry Tool or ToolSpec) as a `ToolSpec`."""
    if isinstance(tool, ToolSpec):
        return tool
    if isinstance(tool, Mapping):
        function = tool.get("function", tool)
        return ToolSpec(
            name=str(function["name"]),
            description=str(function.get("description", "")),
            parameters=dict(function.get("parameters") or {}),
        )
    # Registry tools carry examples and a Chinese description of their own.
    if hasattr(tool, "args_model") and hasattr(tool, "examples"):
        return ToolSpec(
            name=tool.name,
            description=tool.description,
            parameters=tool.parameters_schema(),
            examples=tuple(tool.examples),
            description_zh=tool.description_zh,
            permission=str(getattr(tool.permission, "value", tool.permission)),
            domain=str(tool.domain),
            metrics={key: path for key, (_, path) in getattr(tool, "metrics", {}).items()},
            explains=tuple(getattr(tool, "explains", ())),
        )
    from langchain_core.utils.function_calling import convert_to_openai_tool

    function = convert_to_openai_tool(tool)["function"]
    metadata = getattr(tool, "metadata", None) or {}
    return ToolSpec(
        name=str(function["name"]),
        description=str(function.get("description", "")),
        parameters=dict(function.get("parameters") or {}),
        permission=str(metadata.get("permission", "read")),
        domain=str(metadata.get("domain", "")),
        metrics=dict(metadata.get("metrics") or {}),
        explains=tuple(metadata.get("explains") or ()),
    )


def spec_to_dict(spec: ToolSpec) -> dict[str, Any]:
    """JSON-ready form bound to the model (kwargs of a binding are serialised for tracing)."""
    return {
        "type": "function",
        "function": {"name": spec.name, "description": spec.description, "parameters": dict(spec.parameters)},
        "andon": {
            "examples": list(spec.examples),
            "description_zh": spec.description_zh,
            "permission": spec.permission,
            "domain": spec.domain,
            "metrics": dict(spec.metrics),
            "explains": list(spec.explains),
        },
    }


def spec_from_bound(item: Mapping[str, Any]) -> ToolSpec:
    """Back from the bound JSON form to a `ToolSpec`."""
    base = to_tool_spec(item)
    extra = item.get("andon") or {}
    return ToolSpec(
        name=base.name,
        description=base.description,
        parameters=base.parameters,
        examples=tuple(extra.get("examples") or ()),
        description_zh=str(extra.get("description_zh") or ""),
        permission=str(extra.get("permission") or "read"),
        domain=str(extra.get("domain") or ""),
        metrics=dict(extra.get("metrics") or {}),
        explains=tuple(extra.get("explains") or ()),
    )


def merge_examples(
    spec: ToolSpec,
    examples: Mapping[str, Sequence[str]],
    zh: Mapping[str, str],
    metrics: Mapping[str, Mapping[str, str]] | None = None,
    explains: Mapping[str, Sequence[str]] | None = None,
) -> ToolSpec:
    """Add the examples, Chinese description, metrics and explained metrics the runtime passed for this tool."""
    extra = tuple(examples.get(spec.name, ()))
    return ToolSpec(
        name=spec.name,
        description=spec.description,
        parameters=spec.parameters,
        examples=tuple(dict.fromkeys((*spec.examples, *extra))),
        description_zh=spec.description_zh or zh.get(spec.name, ""),
        permission=spec.permission,
        domain=spec.domain,
        metrics=dict(spec.metrics) or dict((metrics or {}).get(spec.name, {})),
        explains=spec.explains or tuple((explains or {}).get(spec.name, ())),
    )
