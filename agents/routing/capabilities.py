"""Routing by what the tools compute: a request that names a metric goes to the agents whose tools compute it.

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
from agents.routing.decision import RoutingDecision

__all__ = ["MetricOwners", "route_by_metrics"]


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
