"""Registry tools as LangChain `StructuredTool`s.

The model sees the tool's name, description and argument schema (its pydantic args model); the
caller's context (user, role, scopes, session, clock) is never part of what the model can see or
set. It comes from the LangChain runtime of the run (an agent graph streamed with
`context=ToolContext`, which LangGraph hands to the tool node as `ToolRuntime.context`), or from a
factory given when the tool is used outside a graph. Every call goes through `invoke`,
so role checks, validation, proposals and the audit log apply exactly as for any other caller.

A call's tool message carries two things: the text a model reads (`ToolOutcome.text`) and, as its
artifact, the outcome's `OutcomeRecord` as JSON; `outcome_of` reads the record back, so the runtime,
the offline model and grounding never parse the model's text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from tools.audit import AuditTrail
from tools.contract import Tool, ToolContext
from tools.invoke import invoke
from tools.outcome import OutcomeRecord
from tools.proposals import ProposalStore

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

__all__ = ["ContextFactory", "outcome_of", "to_langchain_tool", "to_langchain_tools"]

#: Builds the caller's context for one call (the runtime knows the user, role and session).
ContextFactory = Callable[[], ToolContext]


@functools.cache
def _structured_tool_class() -> type[StructuredTool]:
    from langchain_core.tools import StructuredTool

    class AndonStructuredTool(StructuredTool):
        # LangChain would validate dict input against args_schema before our function runs;
        # `invoke` validates instead, so that invalid calls are audited and answered in the
        # same words as every other caller gets.
        def _parse_input(self, tool_input: str | dict[str, Any], tool_call_id: str | None) -> str | dict[str, Any]:
            if isinstance(tool_input, dict):
                return tool_input
            return super()._parse_input(tool_input, tool_call_id)

        # LangChain calls a tool whose schema has no fields with no arguments at all, which would drop the
        # injected runtime (and hide arguments a model should not have sent): a dict is passed on as it is.
        def _to_args_and_kwargs(
            self, tool_input: str | dict[str, Any], tool_call_id: str | None
        ) -> tuple[tuple[str, ...], dict[str, Any]]:
            if isinstance(tool_input, dict):
                return (), dict(tool_input)
            return super()._to_args_and_kwargs(tool_input, tool_call_id)

    return AndonStructuredTool


def _model_description(tool: Tool) -> str:
    # Both languages help a model pick the tool for a Chinese or an English request.
    return f"{tool.description} ({tool.description_zh})"


def to_langchain_tool(
    tool: Tool,
    *,
    audit: AuditTrail,
    proposals: ProposalStore | None = None,
    context: ContextFactory | None = None,
) -> StructuredTool:
    """One registry tool as a LangChain StructuredTool: the outcome's text for the model, its record as artifact.

    Without `context`, each call takes the caller's context from the run's LangChain runtime."""

    # LangGraph's tool node injects a parameter named `runtime` (a model cannot set it: the node overwrites it).
    def run(runtime: Any = None, **kwargs: Any) -> tuple[str, dict[str, Any]]:
        ctx = context() if context is not None else _runtime_context(runtime, tool.name)
        outcome = invoke(tool, ctx, kwargs, audit=audit, proposals=proposals)
        # JSON, not the model object: checkpointers store it with the conversation and read it back anywhere.
        return outcome.text(), outcome.record().model_dump(mode="json")

    # A tool whose arguments are declared as a JSON schema (an external MCP server's) shows that schema.
    declared: dict[str, Any] | None = getattr(tool, "input_schema", None)
    return _structured_tool_class()(
        name=tool.name,
        description=_model_description(tool),
        args_schema=declared if declared is not None else tool.args_model,
        func=run,
        response_format="content_and_artifact",
        metadata={
            "domain": tool.domain,
            "permission": tool.permission.value,
            "source": tool.source,
            "metrics": {key: path for key, (_, path) in tool.metrics.items()},
            "explains": list(tool.explains),
        },
    )


def to_langchain_tools(
    tools: Iterable[Tool],
    *,
    audit: AuditTrail,
    proposals: ProposalStore | None = None,
    context: ContextFactory | None = None,
) -> list[StructuredTool]:
    """Every given tool (e.g. `registry.by_domain("quality")`) as LangChain tools."""
    return [to_langchain_tool(item, context=context, audit=audit, proposals=proposals) for item in tools]


def _runtime_context(runtime: Any, name: str) -> ToolContext:
    found = getattr(runtime, "context", None)
    if not isinstance(found, ToolContext):
        raise RuntimeError(f"{name} was called outside a run that carries its caller's ToolContext")
    return found


def outcome_of(message: Any) -> OutcomeRecord:
    """The outcome a tool message carries. A message without one (LangGraph's answer to a tool the agent
    does not have, the turn guard's answer to garbled arguments) is a failure with the message's text."""
    artifact = getattr(message, "artifact", None)
    if isinstance(artifact, OutcomeRecord):
        return artifact
    name = str(getattr(message, "name", None) or "")
    if isinstance(artifact, dict):
        return OutcomeRecord.model_validate(artifact)
    content = getattr(message, "content", "")
    text = (
        content
        if isinstance(content, str)
        else "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)
    )
    return OutcomeRecord.failure(name, text.strip())
