"""Planning the tool calls of a data question: one call, several, a comparison, or a "why".

- several: the request asks for figures that different tools compute ("OEE and first pass yield of line
  1", "the highest vibration on CNC-03 and the most frequent alarm"): one call per tool, each clause with
  its own entities and time, falling back to the whole request's.
- compare: the same figure for several things, named ("line 1 and line 2") or implied by the question
  ("which line had the worst OEE"): one call per thing (or one call whose result lists them all), then
  the answer ranks them by the figure, in the direction the metric is good.
- why: the call that computes the figure plus the calls that show its causes (tools declare which metrics
  they explain: a downtime Pareto explains availability).

Plans are deterministic and carry no state: the model records the plan's kind with its tool calls, so the
answer is composed from the plan and the results alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from agents.extraction import EntityMention, Mentions, Vocabulary, asks_why, extract_mentions, split_clauses
from agents.extraction.metric_mentions import MetricMention
from agents.extraction.parameter_kinds import parameter_kind
from agents.models.offline.arguments import fill_arguments
from agents.models.offline.plan_words import BEST, COMPARE, MAX, MIN, WORST
from agents.models.offline.tool_choice import ScoredTool, ToolIndex
from agents.models.offline.tool_specs import ToolSpec

__all__ = ["Plan", "PlanKind", "Planner", "Step", "Superlative", "ranges_over_things"]

PlanKind = Literal["single", "several", "compare", "why"]
Superlative = Literal["max", "min", "best", "worst"]

# Question words that range over every thing of a kind: "which line", "哪条线", "each machine".
_SETS: dict[str, re.Pattern[str]] = {
    "line": re.compile(
        r"\bwhich (?:of the |one of the )?(?:production )?lines?\b|\b(?:each|every|all|all the|all four) lines?\b"
        r"|\b(?:by|per) line\b|哪条(?:生产|产)?线|哪一条(?:产)?线|哪个(?:产)?线"
        r"|各(?:条)?(?:产)?线|每条(?:产)?线|所有(?:产)?线",
        re.IGNORECASE,
    ),
    "equipment": re.compile(
        r"\bwhich (?:of the )?(?:machines?|equipment|stations?|assets?)\b|\b(?:each|every|by|per) machine\b"
        r"|哪台|哪个(?:设备|机器|工位)|各(?:台)?设备|每台(?:设备|机器)|哪部机",
        re.IGNORECASE,
    ),
    "shift": re.compile(
        r"\bwhich (?:of the )?shifts?\b|\b(?:each|every|by|per) shift\b|哪个班|哪一班|哪班|各班|每个班|每班",
        re.IGNORECASE,
    ),
    "supplier": re.compile(
        r"\bwhich (?:of the |of our )?(?:suppliers?|vendors?)\b|\b(?:each|every|by|per) supplier\b"
        r"|哪个供应商|哪家(?:供应商)?|哪些供应商|各(?:家)?供应商",
        re.IGNORECASE,
    ),
}
_MAX_COMPARED = 20
# A clause must fit its tool more clearly than a whole request must: clauses are short, so chance matches count more.
_CLAUSE_MARGIN = 1.5
_WHICH_ONE = re.compile(r"\bwhich (?:one|of them|of the two)\b|哪个|哪一个|哪条|谁", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    """One planned tool call."""

    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """What to call, and how the answer reads the results: `metric` is the asked figure (a metric key),
    `superlative` the ranking a comparison asks for, `group` the kind of thing compared."""

    kind: PlanKind
    steps: tuple[Step, ...]
    metric: str | None = None
    superlative: Superlative | None = None
    group: str | None = None
    missing: list[tuple[str, str | None]] = field(default_factory=list)

    def to_metadata(self) -> dict[str, Any]:
        """The plan's reading instructions, stored with the tool calls (not the calls themselves)."""
        return {"kind": self.kind, "metric": self.metric, "superlative": self.superlative, "group": self.group}


def superlative_of(text: str) -> Superlative | None:
    """The ranking a request asks for, if any."""
    if WORST.search(text):
        return "worst"
    if BEST.search(text):
        return "best"
    if MIN.search(text):
        return "min"
    if MAX.search(text):
        return "max"
    return None


def _entity_kinds(spec: ToolSpec) -> dict[str, tuple[str, bool, bool]]:
    """Parameter name -> (entity kind, required, takes a list) for parameters that take plant things."""
    found = {}
    required = set(spec.required)
    for name, schema in spec.properties.items():
        if not isinstance(schema, Mapping):
            continue
        kind = parameter_kind(name, schema)
        if kind and kind not in ("period", "text", "count"):
            found[name] = (kind, name in required, "array" in str(schema))
    return found


def _takes(kind: str, entity_kind: str) -> bool:
    return entity_kind in kind.split("|")


class Planner:
    """Plans data questions over one agent's bound tools."""

    def __init__(
        self,
        index: ToolIndex,
        specs: Sequence[ToolSpec],
        vocabulary: Vocabulary | None,
        *,
        threshold: float,
    ) -> None:
        self.index = index
        self.specs = {spec.name: spec for spec in specs}
        self.vocabulary = vocabulary
        self.threshold = threshold

    # -- the plan ----------------------------------------------------------------------------------

    def plan(
        self, request: str, mentions: Mentions, ranked: Sequence[ScoredTool], asked: Sequence[MetricMention]
    ) -> Plan | None:
        """The plan for a data question, or None when no tool fits it."""
        if not ranked or ranked[0].match < self.threshold:
            return None
        best = ranked[0].spec
        metric = self._metric_of(best, asked)
        several = self._several(request, mentions, ranked, asked)
        if several is not None:
            return several
        compared = self._compare(request, mentions, best, metric)
        if compared is not None:
            return compared
        if asks_why(request):
            return self._why(best, mentions, metric)
        return self._single(best, mentions, metric)

    @staticmethod
    def _metric_of(spec: ToolSpec, asked: Sequence[MetricMention]) -> str | None:
        """The asked metric the tool computes, else the tool's first metric."""
        for mention in asked:
            if mention.key in spec.metrics:
                return mention.key
        return next(iter(spec.metrics), None)

    def _single(self, spec: ToolSpec, mentions: Mentions, metric: str | None) -> Plan:
        filled = fill_arguments(spec, mentions)
        missing = [(name, filled.kinds.get(name)) for name in filled.missing]
        return Plan("single", (Step(spec.name, filled.args),), metric=metric, missing=missing)

    # -- several figures ---------------------------------------------------------------------------

    def _several(
        self, request: str, mentions: Mentions, ranked: Sequence[ScoredTool], asked: Sequence[MetricMention]
    ) -> Plan | None:
        """One call per tool when the request's clauses (or its named metrics) need different tools."""
        chosen: list[tuple[ToolSpec, Mentions]] = []
        for clause in self._clauses(request):
            # A clause that only ranges over things ("哪条线更好", "which one was better?") asks for no figure.
            content = _blank_sets(clause)
            clause_mentions = extract_mentions(content, self.vocabulary)
            scored = self.index.rank(content, clause_mentions)
            if not scored or scored[0].match < self.threshold * _CLAUSE_MARGIN or scored[0].spec.is_write:
                continue
            spec = scored[0].spec
            if all(spec.name != other.name for other, _ in chosen):
                chosen.append((spec, _inherit(clause_mentions, mentions)))
        named = [m.key for m in asked]
        if len(set(named)) > 1:
            for key in dict.fromkeys(named):
                owner = next((item.spec for item in ranked if key in item.spec.metrics), None)
                if owner is not None and all(owner.name != spec.name for spec, _ in chosen):
                    covered = any(key in spec.metrics for spec, _ in chosen)
                    if not covered:
                        chosen.append((owner, mentions))
        if len(chosen) < 2:
            return None
        steps = []
        missing: list[tuple[str, str | None]] = []
        for spec, found in chosen:
            filled = fill_arguments(spec, found)
            if filled.missing:
                missing += [(name, filled.kinds.get(name)) for name in filled.missing]
                continue
            steps.append(Step(spec.name, filled.args))
        if len(steps) < 2:
            return None if not missing else Plan("several", tuple(steps), missing=missing)
        return Plan("several", tuple(steps))

    @staticmethod
    def _clauses(request: str) -> list[str]:
        parts = split_clauses(request)
        return parts if len(parts) > 1 else []

    # -- comparisons ---------------------------------------------------------------------------------

    def _compare(self, request: str, mentions: Mentions, spec: ToolSpec, metric: str | None) -> Plan | None:
        superlative = superlative_of(request)
        comparing = bool(COMPARE.search(request))
        parameters = _entity_kinds(spec)
        # Named things: two lines where the tool takes one line.
        for name, (kind, _, is_list) in parameters.items():
            named = _distinct([e for e in mentions.entities if _takes(kind, e.kind)])
            if len(named) > 1 and not is_list:
                steps = self._per_thing(spec, mentions, name, named)
                if steps:
                    group = named[0].kind
                    return Plan("compare", steps, metric=metric, superlative=superlative or "best", group=group)
        if superlative is None and not comparing:
            return None
        # Things implied by the question: "which line", "哪台设备".
        for group, pattern in _SETS.items():
            if not pattern.search(request) or mentions.first(group) is not None:
                continue
            parameter = next((n for n, (kind, _, _) in parameters.items() if _takes(kind, group)), None)
            things = self._things(group, mentions) if parameter is not None else []
            if parameter is not None and len(things) > 1:
                steps = self._per_thing(spec, mentions, parameter, things)
                if steps:
                    return Plan("compare", steps, metric=metric, superlative=superlative or "best", group=group)
            if parameter is None or not parameters[parameter][1]:
                # The tool lists every such thing in one result (machines by scrap rate): one call.
                plan = self._single(spec, mentions, metric)
                return replace(plan, kind="compare", superlative=superlative or "best", group=group)
        return None

    def _things(self, group: str, mentions: Mentions) -> list[EntityMention]:
        """Every thing of a kind the plant has (a line's machines when the request names the line)."""
        if self.vocabulary is None:
            return []
        parent = None
        if group == "equipment":
            line = mentions.first("line")
            parent = line.value if line is not None else None
        terms = self.vocabulary.of_kind(group, parent)[:_MAX_COMPARED]
        return [EntityMention(group, term.code, -1, -1, term.code) for term in terms]

    @staticmethod
    def _per_thing(
        spec: ToolSpec, mentions: Mentions, parameter: str, things: Sequence[EntityMention]
    ) -> tuple[Step, ...]:
        steps = []
        others = [e for e in mentions.entities if e not in things]
        for thing in things:
            filled = fill_arguments(spec, replace(mentions, entities=[thing, *others]))
            if filled.missing:
                return ()
            steps.append(Step(spec.name, {**filled.args, parameter: thing.value}))
        return tuple(steps)

    # -- why -----------------------------------------------------------------------------------------

    def _why(self, spec: ToolSpec, mentions: Mentions, metric: str | None) -> Plan:
        first = self._single(spec, mentions, metric)
        if first.missing or metric is None:
            return replace(first, kind="why")
        steps = list(first.steps)
        for other in self.specs.values():
            if other.name == spec.name or other.is_write or metric not in other.explains:
                continue
            filled = fill_arguments(other, mentions)
            if not filled.missing:
                steps.append(Step(other.name, filled.args))
        return Plan("why", tuple(steps), metric=metric)


def ranges_over_things(text: str) -> bool:
    """The request asks about every thing of a kind ("which line", "哪台设备", "which one")."""
    return any(pattern.search(text) for pattern in (*_SETS.values(), _WHICH_ONE))


def _blank_sets(text: str) -> str:
    """`text` without the words that range over things ("which line", "哪条线", "which one")."""
    for pattern in (*_SETS.values(), _WHICH_ONE):
        text = pattern.sub(lambda match: " " * len(match.group(0)), text)
    return text


def _distinct(entities: Sequence[EntityMention]) -> list[EntityMention]:
    seen: set[str] = set()
    found = []
    for entity in entities:
        key = entity.value.casefold()
        if key not in seen:
            seen.add(key)
            found.append(entity)
    return found


def _inherit(clause: Mentions, whole: Mentions) -> Mentions:
    """A clause's mentions, with the whole request's entities and period where the clause names none."""
    kinds = {entity.kind for entity in clause.entities}
    entities = [*clause.entities, *(e for e in whole.entities if e.kind not in kinds)]
    times = clause.times or whole.times
    return replace(clause, entities=entities, times=times, text=clause.text)
