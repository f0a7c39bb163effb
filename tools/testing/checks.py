"""The contract checks, one function per rule. Each raises AssertionError saying what to fix."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from tools.contract import DOMAINS, Permission, ProposalDraft, Tool, ToolContext, ToolResult

__all__ = [
    "check_arguments_forbid_extras",
    "check_call",
    "check_metadata",
    "check_result_model",
    "check_schema",
    "check_tool",
    "check_write_executor",
    "sample_arguments",
]


def _require(condition: object, message: str) -> None:
    # Explicit raise instead of `assert`: the kit must keep checking under `python -O`.
    if not condition:
        raise AssertionError(message)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # what every function-calling API accepts


def check_metadata(tool: Tool) -> None:
    """Name, domain, English and Chinese descriptions, and examples in both languages."""
    _require(_NAME.match(tool.name), f"{tool.name}: name must be snake_case, at most 64 characters")
    _require(tool.domain in DOMAINS, f"{tool.name}: domain {tool.domain!r} is not one of {', '.join(DOMAINS)}")
    _require(tool.description.strip(), f"{tool.name}: needs an English description (the docstring's first paragraph)")
    _require(not _CJK.search(tool.description), f"{tool.name}: the docstring description should be English")
    _require(_CJK.search(tool.description_zh or ""), f"{tool.name}: description_zh must be Chinese")
    _require(any(_CJK.search(example) for example in tool.examples), f"{tool.name}: needs a Chinese example request")
    _require(
        any(not _CJK.search(example) for example in tool.examples), f"{tool.name}: needs an English example request"
    )


def check_arguments_forbid_extras(tool: Tool) -> None:
    """The args model rejects arguments it does not declare (a model must not smuggle in `ctx` or `user`)."""
    _require(tool.args_model.model_config.get("extra") == "forbid", f"{tool.name}: args model must set extra='forbid'")
    try:
        tool.args_model.model_validate({**(sample_arguments(tool) or {}), "ctx": "x", "user": "admin"})
    except ValidationError as exc:
        kinds = {error["type"] for error in exc.errors()}
        _require("extra_forbidden" in kinds, f"{tool.name}: unknown arguments were not rejected as extra")
    else:
        raise AssertionError(f"{tool.name}: accepted unknown arguments 'ctx' and 'user'")


def check_schema(tool: Tool) -> None:
    """The parameter schema is JSON, hides the context, and describes every parameter."""
    schema = tool.parameters_schema()
    json.dumps(schema)
    properties: Mapping[str, Any] = schema.get("properties", {})
    _require("ctx" not in properties, f"{tool.name}: the context must not be a model-visible parameter")
    undocumented = [name for name, prop in properties.items() if not prop.get("description")]
    _require(not undocumented, f"{tool.name}: describe {', '.join(undocumented)} in the docstring's Args: section")


def check_result_model(tool: Tool) -> None:
    """READ tools return a ToolResult subclass, WRITE tools a ProposalDraft; both forbid extras."""
    expected = ProposalDraft if tool.permission is Permission.WRITE else ToolResult
    _require(issubclass(tool.result_model, expected), f"{tool.name}: result must derive from {expected.__name__}")
    _require(tool.result_model.model_config.get("extra") == "forbid", f"{tool.name}: result model must forbid extras")
    json.dumps(tool.result_model.model_json_schema())


def check_write_executor(tool: Tool) -> None:
    """A WRITE tool registers what to do once its proposal is approved."""
    if tool.permission is Permission.WRITE:
        _require(tool.has_executor, f"{tool.name}: WRITE tools need an executor (@{tool.name}.executor)")


def sample_arguments(tool: Tool) -> dict[str, Any] | None:
    """Arguments for one representative call: `sample_args`, else schema examples / defaults; None if unknown."""
    if tool.sample_args is not None:
        return dict(tool.sample_args)
    args: dict[str, Any] = {}
    for name, field in tool.args_model.model_fields.items():
        if field.examples:
            args[name] = field.examples[0]
        elif not field.is_required():
            continue
        else:
            return None
    return args


def check_call(tool: Tool, ctx: ToolContext, args: Mapping[str, Any] | None = None) -> BaseModel:
    """Calling the tool with sample arguments returns its result model, with provenance for READ tools."""
    chosen = dict(args) if args is not None else sample_arguments(tool)
    if chosen is None:
        raise AssertionError(f"{tool.name}: give sample_args to @tool (or field examples) so it can be called")
    result = tool.call(ctx, tool.validate_args(chosen))
    _require(isinstance(result, tool.result_model), f"{tool.name}: returned {type(result).__name__}")
    tool.result_model.model_validate(result.model_dump())
    json.dumps(result.model_dump(mode="json"))
    if isinstance(result, ToolResult):
        _require(result.summary.strip(), f"{tool.name}: the result needs a one-line summary")
        _require(result.provenance.tables, f"{tool.name}: provenance must name the tables read")
        if not result.complete and not result.data_unavailable:
            _require(result.total_count is not None, f"{tool.name}: a truncated result must give total_count")
    if isinstance(result, ProposalDraft):
        _require(result.action, f"{tool.name}: a proposal must name its action")
        _require(result.title.strip(), f"{tool.name}: a proposal needs a title")
        _require(result.reason.strip(), f"{tool.name}: a proposal needs a reason")
        json.dumps(result.payload)
    return result


def check_tool(tool: Tool, *, ctx: ToolContext | None = None, args: Mapping[str, Any] | None = None) -> None:
    """Every static check, plus a real call when a context is given."""
    check_metadata(tool)
    check_arguments_forbid_extras(tool)
    check_schema(tool)
    check_result_model(tool)
    check_write_executor(tool)
    if ctx is not None:
        check_call(tool, ctx, args)
