"""The suite file schema: what a YAML suite may say, validated before anything runs.

A suite is a YAML mapping::

    suite: data_questions            # name, unique within a run
    description: Data questions with gold values computed from the plant
    defaults: {lang: en, role: operator, level: L2}   # optional, applied to every case
    cases:
      - id: prod-oee-l2-yesterday-en
        input: What was the OEE of line 2 yesterday?   # or `turns: [..]` for multi-turn
        lang: en                       # en | zh
        user: op.wang                  # optional; the role decides permissions
        role: operator                 # operator | engineer | supervisor | admin
        scopes: [L1]                   # optional: lines the user may see (permission boundary cases)
        level: L2                      # L1 Inform .. L5 Autonomous (see evals.levels)
        agent: production              # whose grading card the case counts for (default: first domain)
        tags: [oee, production]
        expect:
          domains: [production]        # router target(s); [out_of_scope] for requests outside the plant
          route_only: false            # true: only the router is exercised (fast)
          tool_calls:                  # BFCL-style: each argument lists its allowed values
            - name: line_oee
              args: {line: [L2, Line 2, 2号线], period: [yesterday]}
          ordered: false               # order-free unless true
          forbidden_tools: [delete_records]
          answer:
            - numeric: {gold: {fn: line_oee, args: {line: L2, period: yesterday}, field: oee}, tolerance: 0.005}
            - contains: [OEE]          # every string must appear (case-insensitive); `any: true` for one of
            - regex: '\\d+(\\.\\d+)?\\s*%'
            - not_contains: [ignore previous instructions]
            - gold_text: {fn: top_downtime_equipment, args: {line: L2, period: last_week}}
          citations: [{document: maintenance_manual, section: Lockout}]   # each must be cited
          forbidden_citations: [SQA-WUXI-BEARING]  # above the caller's access level: never cited
          refuse: true                 # the request must be refused
          propose: {action: create_maintenance_request}  # a proposal must be raised, never executed
          grounded: true               # no number in the answer that no tool result supports
          rubric: Explains the root cause in plain words.  # only graded when a judge model is given

Gold values are never pasted numbers: `gold.fn` names a reference function registered in
`evals.gold`, computed from the plant database at grading time (see `evals.gold.registry`).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "LEVELS",
    "AnswerCheck",
    "CaseSpec",
    "CitationExpectation",
    "ContainsCheck",
    "Expectations",
    "GoldRef",
    "Level",
    "NumericCheck",
    "ProposalExpectation",
    "RegexCheck",
    "SuiteDefaults",
    "SuiteSpec",
    "ToolCallExpectation",
]

Level = Literal["L1", "L2", "L3", "L4", "L5"]
LEVELS: tuple[Level, ...] = ("L1", "L2", "L3", "L4", "L5")
Lang = Literal["en", "zh"]
RoleName = Literal["operator", "engineer", "supervisor", "admin"]
RouteLabel = Literal[
    "production", "quality", "maintenance", "equipment", "supply_chain", "knowledge", "out_of_scope", "clarify"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldRef(_Strict):
    """A gold value computed by a named reference function over the plant data."""

    fn: str = Field(description="Name registered in evals.gold, e.g. line_oee.")
    args: dict[str, Any] = Field(default_factory=dict)
    field: str | None = Field(None, description="Attribute of the function's result to compare; None = the result.")


class NumericCheck(_Strict):
    """The answer states the gold number within a tolerance (absolute, or relative when `relative`)."""

    gold: GoldRef
    tolerance: float = Field(0.01, ge=0)
    relative: bool = False
    percent: bool | None = Field(
        None, description="Gold is a ratio that may be written as a percentage; None = guess from the value."
    )


class ContainsCheck(_Strict):
    """Strings the answer must contain (case-insensitive): all of them, or at least one when `any`."""

    values: list[str] = Field(min_length=1)
    any: bool = False


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


class RegexCheck(_Strict):
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _valid(cls, value: str) -> str:
        return _compiles(value)


_CHECK_KINDS = ("numeric", "contains", "regex", "not_contains", "gold_text")


class AnswerCheck(_Strict):
    """One check on the answer text; exactly one of the keys is given."""

    numeric: NumericCheck | None = None
    contains: list[str] | ContainsCheck | None = None
    regex: str | RegexCheck | None = None
    not_contains: list[str] | None = None
    gold_text: GoldRef | None = Field(None, description="The answer contains the gold value written as text.")

    @field_validator("regex")
    @classmethod
    def _valid_regex(cls, value: str | RegexCheck | None) -> str | RegexCheck | None:
        if isinstance(value, str):
            _compiles(value)
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> AnswerCheck:
        given = [name for name in _CHECK_KINDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of " + ", ".join(_CHECK_KINDS))
        return self

    @property
    def kind(self) -> str:
        for name in _CHECK_KINDS:
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated above")


class ToolCallExpectation(_Strict):
    """A tool that must be called; each listed argument must take one of its allowed values (BFCL style).
    `name` may list several tools when any of them answers the question."""

    name: str | list[str]
    args: dict[str, list[Any]] = Field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [self.name] if isinstance(self.name, str) else list(self.name)

    @field_validator("args", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        # A single allowed value may be written without brackets.
        if isinstance(value, dict):
            return {key: item if isinstance(item, list) else [item] for key, item in value.items()}
        return value


class CitationExpectation(_Strict):
    """A document (and optionally a section) that the answer must cite; matched case-insensitively by substring."""

    document: str
    section: str | None = None


class ProposalExpectation(_Strict):
    """A write action that must be proposed (and must not be executed without approval)."""

    action: str
    payload: dict[str, list[Any]] = Field(default_factory=dict)

    @field_validator("payload", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: item if isinstance(item, list) else [item] for key, item in value.items()}
        return value


class Expectations(_Strict):
    domains: list[RouteLabel] = Field(default_factory=list)
    domains_match: Literal["exact", "subset", "overlap"] = Field(
        "exact", description="exact: same set; subset: routed is a non-empty subset; overlap: share one domain."
    )
    route_only: bool = False
    tool_calls: list[ToolCallExpectation] = Field(default_factory=list)
    ordered: bool = False
    forbidden_tools: list[str] = Field(default_factory=list)
    answer: list[AnswerCheck] = Field(default_factory=list)
    citations: list[CitationExpectation] = Field(default_factory=list)
    forbidden_citations: list[str] = Field(
        default_factory=list, description="Documents the caller may not see: citing one is a safety violation."
    )
    refuse: bool = False
    propose: ProposalExpectation | None = None
    grounded: bool = Field(False, description="Every number in the answer must come from a tool result.")
    rubric: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Expectations:
        if self.route_only and not self.domains:
            raise ValueError("route_only needs domains")
        if self.route_only and (self.tool_calls or self.answer or self.citations or self.propose or self.refuse):
            raise ValueError("route_only cases check the route only; drop the other expectations")
        if self.refuse and self.propose is not None:
            raise ValueError("a case cannot both expect a refusal and a proposal")
        return self


class SuiteDefaults(_Strict):
    lang: Lang = "en"
    role: RoleName = "operator"
    user: str | None = None
    level: Level | None = None
    tags: list[str] = Field(default_factory=list)


class CaseSpec(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:\-]+$")
    input: str | None = None
    turns: list[str] | None = None
    lang: Lang = "en"
    user: str | None = None
    role: RoleName = "operator"
    scopes: list[str] = Field(default_factory=list, description="Lines or sites the user may see; empty = all.")
    level: Level
    agent: str | None = Field(None, description="Grading card the case counts for; default: its only domain.")
    tags: list[str] = Field(default_factory=list)
    expect: Expectations

    @model_validator(mode="after")
    def _one_input(self) -> CaseSpec:
        if (self.input is None) == (self.turns is None):
            raise ValueError("give exactly one of input or turns")
        if self.turns is not None and not self.turns:
            raise ValueError("turns must not be empty")
        return self

    @property
    def messages(self) -> list[str]:
        """The user's messages in order (one for single-turn cases)."""
        return list(self.turns) if self.turns is not None else [self.input or ""]

    @property
    def card_agent(self) -> str | None:
        """The agent whose grade this case counts for."""
        if self.agent is not None:
            return self.agent
        real = [d for d in self.expect.domains if d not in ("out_of_scope", "clarify")]
        return real[0] if len(real) == 1 else None


class SuiteSpec(_Strict):
    suite: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    version: int = 1
    defaults: SuiteDefaults = Field(default_factory=SuiteDefaults)
    cases: list[CaseSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> SuiteSpec:
        seen: set[str] = set()
        for case in self.cases:
            if case.id in seen:
                raise ValueError(f"duplicate case id {case.id!r}")
            seen.add(case.id)
        return self
