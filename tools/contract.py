"""The tool contract: a tool is a typed Python function plus metadata.

    @tool(domain="production", description_zh="产线OEE", examples=["OEE of line 2 yesterday", "2号线昨天的OEE"],
          sample_args={"line": "L2"})
    def line_oee(ctx: ToolContext, line: str, period: str = "yesterday") -> OEEResult:
        '''OEE (ISO 22400) of a line over a period, with availability, performance and quality.

        Args:
            line: Line code or name, e.g. "L2", "Line 2", "2号线".
            period: Time expression, e.g. "yesterday", "上周", "2026-11-01..2026-11-07".
        '''

The JSON schema a model sees is built from the parameters after `ctx` and the docstring's
`Args:` section; `ctx` is injected by the caller and never visible to a model. Arguments are
validated by a pydantic model with `extra="forbid"`; results are pydantic models derived from
`ToolResult`. WRITE tools return a `ProposalDraft`; they never act: an executor registered with
`@<tool>.executor` runs only after a permitted person approves the proposal. `sample_args` are
the arguments of one representative call (used by the conformance kit and `andon tools describe`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Protocol, get_type_hints

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    create_model,
    model_serializer,
)
from sqlmodel import Session

from tools.metrics import Metric, is_builtin_metric, resolve_metrics

__all__ = [
    "DOMAINS",
    "DataSource",
    "DocumentSearch",
    "Domain",
    "PeriodReading",
    "PeriodSpan",
    "Permission",
    "ProposalDraft",
    "Provenance",
    "Role",
    "Tool",
    "ToolContext",
    "ToolResult",
    "tool",
]

Domain = Literal["production", "quality", "maintenance", "equipment", "supply_chain", "knowledge"]
DOMAINS: tuple[Domain, ...] = ("production", "quality", "maintenance", "equipment", "supply_chain", "knowledge")


class Permission(StrEnum):
    READ = "read"
    WRITE = "write"


class Role(StrEnum):
    """Roles in increasing order of authority: operator < engineer < supervisor < admin."""

    OPERATOR = "operator"
    ENGINEER = "engineer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


class DocumentSearch(Protocol):
    """What the knowledge layer offers tools; implemented by `knowledge` and injected via the context."""

    def search(self, query: str, *, k: int, role: str, filters: Mapping[str, Any] | None = None) -> Any: ...


@dataclass(frozen=True)
class ToolContext:
    """Runtime context injected into every tool call; never part of the model-visible schema."""

    user: str
    role: Role
    session: Session
    clock: datetime
    scopes: frozenset[str] = frozenset()
    lang: Literal["en", "zh"] = "en"
    documents: DocumentSearch | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PeriodReading(_Strict):
    """How a time expression was read: the kind of period and its canonical name in both languages.

    `kind` is day, week, month, quarter, half, year, range, since, rolling or shift; `to_date` is true when
    the period runs up to the plant clock ("this quarter" = the quarter to date). `en` / `zh` name the
    reading ("last quarter (Q3 2026)" / "上季度（2026年第三季度）"); they are empty where the dates alone
    say it (an explicit date or range).
    """

    kind: Literal["day", "week", "month", "quarter", "half", "year", "range", "since", "rolling", "shift"]
    to_date: bool = False
    en: str = ""
    zh: str = ""


class PeriodSpan(_Strict):
    """A resolved period: [start, end) in plant time, with the expression it came from and how it was read."""

    start: datetime
    end: datetime
    label: str
    reading: PeriodReading | None = None


class DataSource(_Strict):
    """A live source behind a figure: the OPC UA node id or MQTT topic, and the time of the value used."""

    kind: Literal["opcua", "mqtt"]
    address: str
    tag: str | None = None
    at: datetime


class Provenance(_Strict):
    """Where a figure came from: tables read, filters applied, rows used, and live sources if any."""

    tables: list[str]
    filters: dict[str, str] = Field(default_factory=dict)
    row_count: int = 0
    sources: list[DataSource] = Field(default_factory=list)

    @model_serializer(mode="wrap")
    def _without_empty_sources(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Results without live data serialise exactly as before live sources existed.
        data: dict[str, Any] = handler(self)
        if not self.sources:
            data.pop("sources", None)
        return data


class ToolResult(_Strict):
    """Base of every tool result. Subclasses add their values."""

    summary: str = Field(description="One line, English, for logs and traces.")
    unit: str | None = None
    period: PeriodSpan | None = None
    scope: dict[str, str] = Field(default_factory=dict)
    provenance: Provenance
    complete: bool = True
    data_unavailable: bool = False
    total_count: int | None = Field(None, description="Rows that matched when the result was truncated.")


class ProposalDraft(_Strict):
    """What a WRITE tool returns: an action for a person to approve, never an executed change."""

    action: str = Field(description="Tool name of the action to execute on approval.")
    title: str
    reason: str
    evidence: list[str] = Field(default_factory=list)
    payload: dict[str, Any]


ToolFunction = Callable[..., BaseModel]
Executor = Callable[[ToolContext, dict[str, Any]], ToolResult]

_ARG_LINE = re.compile(r"^(\w+)\s*(?:\([^)]*\))?:\s*(.+)$")


def _docstring_parts(doc: str) -> tuple[str, dict[str, str]]:
    """First paragraph as the description; `Args:` entries as parameter descriptions."""
    head, _, args_block = inspect.cleandoc(doc).partition("Args:")
    description = " ".join(head.strip().split("\n\n")[0].split())
    params: dict[str, str] = {}
    current: str | None = None
    for line in args_block.splitlines():
        stripped = line.strip()
        match = _ARG_LINE.match(stripped)
        if match:
            current = match.group(1)
            params[current] = match.group(2).strip()
        elif stripped and current:
            params[current] += " " + stripped
    return description, params


def _has_path(model: type[BaseModel], path: str) -> bool:
    """Whether a dotted field path ("figures.quality") exists in a result model."""
    current: Any = model
    for part in path.split("."):
        fields = getattr(current, "model_fields", None)
        if not isinstance(fields, dict) or part not in fields:
            return False
        annotation = fields[part].annotation
        current = annotation if isinstance(annotation, type) else None
    return True


class Tool:
    """A registered tool: the function, its metadata and its argument / result models."""

    def __init__(
        self,
        fn: ToolFunction,
        *,
        domain: Domain,
        permission: Permission,
        description_zh: str,
        examples: list[str],
        name: str | None = None,
        min_role: Role = Role.OPERATOR,
        approver_role: Role = Role.ENGINEER,
        sample_args: Mapping[str, Any] | None = None,
        metrics: Mapping[str | Metric, str] | None = None,
        explains: Sequence[str] = (),
    ) -> None:
        self.fn = fn
        self.name = name or fn.__name__
        self.domain = domain
        self.permission = permission
        self.description_zh = description_zh
        self.examples = list(examples)
        self.min_role = min_role
        self.approver_role = approver_role
        self.source = "builtin"
        self._executor: Executor | None = None
        self.description, param_docs = _docstring_parts(fn.__doc__ or "")
        if not self.description:
            raise TypeError(f"tool {self.name}: a docstring is required (it is the model-facing description)")
        self.args_model, self.result_model = self._build_models(param_docs)
        try:
            self.metrics = resolve_metrics(metrics)
        except KeyError as exc:
            raise TypeError(f"tool {self.name}: {exc.args[0]}") from None
        for key, (_, path) in self.metrics.items():
            if not _has_path(self.result_model, path):
                raise TypeError(f"tool {self.name}: metric {key!r} names {path!r}, which its result does not have")
        self.explains = tuple(explains)
        unknown = [key for key in self.explains if key not in self.metrics and not is_builtin_metric(key)]
        if unknown:
            raise TypeError(f"tool {self.name}: explains unknown metric {unknown[0]!r}")
        self.sample_args = dict(sample_args) if sample_args is not None else None
        if self.sample_args is not None:
            try:
                self.args_model.model_validate(self.sample_args)
            except ValidationError as exc:
                raise TypeError(f"tool {self.name}: sample_args do not match the arguments: {exc}") from None

    def _build_models(self, param_docs: dict[str, str]) -> tuple[type[BaseModel], type[BaseModel]]:
        hints = get_type_hints(self.fn, include_extras=True)
        params = list(inspect.signature(self.fn).parameters.values())
        if not params or hints.get(params[0].name) is not ToolContext:
            raise TypeError(f"tool {self.name}: the first parameter must be `ctx: ToolContext`")
        fields: dict[str, Any] = {}
        for param in params[1:]:
            if param.name not in hints:
                raise TypeError(f"tool {self.name}: parameter {param.name!r} needs a type annotation")
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[param.name] = (hints[param.name], Field(default, description=param_docs.get(param.name)))
        args_model = create_model(  # type: ignore[call-overload]
            f"{self.name}_args", __config__=ConfigDict(extra="forbid"), **fields
        )
        result_model = hints.get("return")
        expected = ProposalDraft if self.permission is Permission.WRITE else ToolResult
        if not (isinstance(result_model, type) and issubclass(result_model, expected)):
            raise TypeError(f"tool {self.name}: must return a {expected.__name__} subclass")
        return args_model, result_model

    def parameters_schema(self) -> dict[str, Any]:
        """JSON schema of the model-visible arguments."""
        return self.args_model.model_json_schema()

    def validate_args(self, raw: Mapping[str, Any]) -> BaseModel:
        """Validate raw arguments; raises pydantic.ValidationError naming the field."""
        return self.args_model.model_validate(dict(raw))

    def call(self, ctx: ToolContext, args: BaseModel) -> BaseModel:
        """Run the function with validated arguments. Permission checks and audit are the invoker's."""
        return self.fn(ctx, **{name: getattr(args, name) for name in type(args).model_fields})

    def executor(self, fn: Executor) -> Executor:
        """Register what a WRITE tool does once its proposal is approved."""
        if self.permission is not Permission.WRITE:
            raise TypeError(f"tool {self.name}: only WRITE tools have an executor")
        self._executor = fn
        return fn

    @property
    def has_executor(self) -> bool:
        """Whether a WRITE tool has registered what to do on approval."""
        return self._executor is not None

    def execute(self, ctx: ToolContext, payload: dict[str, Any]) -> ToolResult:
        """Carry out an approved proposal."""
        if self._executor is None:
            raise TypeError(f"tool {self.name}: no executor registered")
        return self._executor(ctx, payload)

    def __repr__(self) -> str:
        return f"Tool({self.name!r}, domain={self.domain!r}, permission={self.permission.value!r})"


def tool(
    *,
    domain: Domain,
    description_zh: str,
    examples: list[str],
    permission: Permission = Permission.READ,
    name: str | None = None,
    min_role: Role = Role.OPERATOR,
    approver_role: Role = Role.ENGINEER,
    sample_args: Mapping[str, Any] | None = None,
    metrics: Mapping[str | Metric, str] | None = None,
    explains: Sequence[str] = (),
) -> Callable[[ToolFunction], Tool]:
    """Declare a tool. `examples` are requests in English and Chinese; the router learns from them.

    `sample_args` are the arguments of one representative call (e.g. `{"line": "L2"}`); the
    conformance kit, `andon tools describe` and the property-based tests use them. `metrics` maps the
    metrics the tool computes (a built-in metric key such as "quality_rate", or a `tools.Metric`) to the
    result field that holds each ("figures.quality"); see `tools.metrics`. `explains` names metrics whose
    causes the tool's result shows (a downtime Pareto explains a low availability): asked "why", an agent
    calls it beside the tool that computes the metric.
    """

    def wrap(fn: ToolFunction) -> Tool:
        return Tool(
            fn,
            domain=domain,
            permission=permission,
            description_zh=description_zh,
            examples=examples,
            name=name,
            min_role=min_role,
            approver_role=approver_role,
            sample_args=sample_args,
            metrics=metrics,
            explains=explains,
        )

    return wrap
