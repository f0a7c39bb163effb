"""Routing by what the tools compute and take: a request that names a metric goes to the agents whose tools
compute it; one that names a thing only one domain's tools take (a supplier, a document) reaches that domain.

"1号线昨天早班的质量率" reads like a quality question, but the quality rate is the OEE quality factor, which
the production agent's OEE tool computes; "三号线昨天做了多少合格品" is the line output, a production figure.
The router's decision is kept where it already reaches an owner of every named metric. Otherwise the owner
joins (several named metrics) or replaces the routed domain (one metric, one domain). A plain request for
one metric (one clause, no "why") goes to that metric's owners alone, so "scrap rate of line 4" is not also
sent to production; so does a request whose named metrics are all one domain's ("why was line 1's OEE low?
give the OEE and the main downtime reasons").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from agents.extraction.metric_mentions import MetricNames, find_metric_mentions
from agents.extraction.parameter_kinds import accepts, parameter_kind
from agents.routing.decision import RoutingDecision

__all__ = ["EntityOwners", "MetricOwners", "route_by_entities", "route_by_metrics"]


class MetricOwners:
    """Which domains compute which metrics, from the registry's tools (`Tool.metrics`, `Tool.domain`)."""

    def __init__(self, tools: Iterable[object]) -> None:
        from tools.metrics import all_metrics

        listed = list(tools)
        self.owners: dict[str, list[str]] = {}
        for tool in listed:
            for key in getattr(tool, "metrics", {}):
                domains = self.owners.setdefault(key, [])
                domain = str(getattr(tool, "domain", ""))
                if domain and domain not in domains:
                    domains.append(domain)
        self.names = MetricNames.of(all_metrics(listed).values())

    def asked(self, text: str) -> list[str]:
        """Keys of the metrics `text` names, each once, in order."""
        return list(dict.fromkeys(mention.key for mention in find_metric_mentions(text, self.names)))


def route_by_metrics(
    decision: RoutingDecision,
    asked: Sequence[str],
    owners: Mapping[str, Sequence[str]],
    *,
    plain: bool,
) -> RoutingDecision:
    """`decision` corrected so every named metric reaches an agent that computes it.

    `plain` is true for a one-clause request that asks no "why": then the named metric's owners are all it
    needs."""
    if decision.kind not in ("single", "multi") or not asked:
        return decision
    domains = list(decision.domains)
    owned = [key for key in asked if owners.get(key)]
    if not owned:
        return decision
    shared = set.intersection(*(set(owners[key]) for key in owned))
    if plain and len(owned) == 1:
        mine = [d for d in domains if d in owners[owned[0]]]
        domains = mine or [owners[owned[0]][0]]
    elif len(owned) > 1 and shared:
        # Every figure it names is one domain's ("the OEE and the main downtime reasons"): that domain answers.
        mine = [d for d in domains if d in shared]
        domains = mine[:1] or [next(d for d in owners[owned[0]] if d in shared)]
    else:
        for key in owned:
            if not set(owners[key]) & set(domains):
                if len(domains) == 1 and len(owned) == 1:
                    domains = [owners[key][0]]
                else:
                    domains.append(owners[key][0])
    if domains == decision.domains:
        return decision
    kind = "multi" if len(domains) > 1 else "single"
    return decision.model_copy(update={"domains": domains, "kind": kind})


class EntityOwners:
    """Which domains' tools take which kinds of things, from the parameters of the registry's tools.

    A domain with a read tool that takes the request's own words (the document search's `query`) takes
    anything named in them, but owns no kind: naming a material does not make a question a document one.
    """

    def __init__(self, tools: Iterable[object]) -> None:
        self.takes: dict[str, set[str]] = {}
        self.free_text: set[str] = set()
        for tool in tools:
            domain = str(getattr(tool, "domain", ""))
            schema_of = getattr(tool, "parameters_schema", None)
            if not domain or schema_of is None:
                continue
            properties = schema_of().get("properties") or {}
            kinds = self.takes.setdefault(domain, set())
            reads = str(getattr(getattr(tool, "permission", "read"), "value", "read")) == "read"
            for name, schema in properties.items():
                kind = parameter_kind(name, schema if isinstance(schema, Mapping) else {})
                if kind == "text" and reads:
                    self.free_text.add(domain)
                elif kind and kind not in ("period", "text", "count"):
                    kinds.add(kind)

    def _typed(self, domain: str, entity_kind: str) -> bool:
        return any(accepts(kind, entity_kind) for kind in self.takes.get(domain, ()))

    def take(self, domain: str, entity_kind: str) -> bool:
        """Some tool of `domain` takes an entity of `entity_kind` (by a parameter of its kind, or in its words)."""
        return domain in self.free_text or self._typed(domain, entity_kind)

    def owners(self, entity_kind: str) -> list[str]:
        """The domains whose tools have a parameter for an entity of `entity_kind`, in registry order."""
        return [domain for domain in self.takes if self._typed(domain, entity_kind)]


def route_by_entities(
    decision: RoutingDecision,
    named: Sequence[str],
    owners: EntityOwners,
    *,
    plain: bool,
) -> RoutingDecision:
    """`decision` corrected by the kinds of the things the request names (`named`: entity kinds in order).

    A thing that only one domain's tools take (a supplier, a document, an alarm code) is decisive. In a `plain`
    request (one clause, no "why") the first decisive thing is what the request is about, and what it names
    after it belongs to it ("the 'Mixing cutting fluid' section of the chemicals handling document"): its
    domain answers alone where it was routed. Where no routed domain takes it, it answers alone when its tools
    take everything named ("How often did E-217 go off on CNC-03?" read as production) or the routed domain
    takes nothing named ("How many PO lines from SUP-02 are still open?"), and joins otherwise. In other
    requests every decisive thing that no routed domain takes brings its domain in.
    """
    if decision.kind not in ("single", "multi") or not named:
        return decision
    kinds = list(dict.fromkeys(named))
    decisive = [(kind, owning[0]) for kind in kinds if len(owning := owners.owners(kind)) == 1]
    domains = list(decision.domains)
    if plain and decisive:
        kind, owner = decisive[0]
        anchored = any(owners.take(d, other) for d in domains for other in kinds)
        if owner in domains:
            domains = [owner]
        elif any(owners.take(d, kind) for d in domains):
            pass  # a routed domain takes it too ("What does alarm E-217 mean?" is the documents')
        elif all(owners.take(owner, other) for other in kinds) or (len(domains) == 1 and not anchored):
            domains = [owner]
        else:
            domains = [*domains, owner]
    else:
        for kind, owner in decisive:
            if owner not in domains and not any(owners.take(d, kind) for d in domains):
                domains.append(owner)
    if domains == decision.domains:
        return decision
    kind = "multi" if len(domains) > 1 else "single"
    return decision.model_copy(update={"domains": domains, "kind": kind})
