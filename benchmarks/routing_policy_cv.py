"""Cross-validated choice of the router's decision policy, on the training set only.

    python benchmarks/routing_policy_cv.py [--folds 5]

Each fold trains the small router on the other folds (the tools' examples are left out, so the
folds are the only training data) and scores its own requests once; every policy is then applied to
the same scores. Prints, per policy: primary-domain accuracy, the exact-set rate of multi-domain
requests and how often a single-domain request gets extra domains; then the same per clause
confidence (the floor at which a clause's domain joins its request, `SmallModelConfig.clause_confidence`).
The held-out set is not read.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

# Run as `python benchmarks/routing_policy_cv.py`, this folder comes first on sys.path and its agents.py
# would shadow the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from agents.routing.clauses import join_clause_domains, request_clauses  # noqa: E402
from agents.routing.dataset import RoutingExample, builtin_training_set  # noqa: E402
from agents.routing.decision import DecisionPolicy, RoutingDecision, decide  # noqa: E402
from agents.routing.small_model import SmallModelConfig, SmallModelRouter  # noqa: E402

#: Candidate floors of the label probability a joining domain must also reach.
FLOORS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2)
#: Candidate clause confidences (None: clauses are not routed).
CLAUSE_FLOORS = (None, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _folds(rows: Sequence[RoutingExample], k: int) -> list[list[RoutingExample]]:
    shuffled = list(rows)
    random.Random(7).shuffle(shuffled)
    return [shuffled[i::k] for i in range(k)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = builtin_training_set()
    folds = _folds(rows, args.folds)
    scored: list[tuple[RoutingExample, dict[str, float], dict[str, float]]] = []
    by_clause: dict[str, RoutingDecision] = {}
    for index, held in enumerate(folds):
        train = [row for i, fold in enumerate(folds) if i != index for row in fold]
        router = SmallModelRouter.train(train, config=SmallModelConfig(clause_confidence=None))
        scores, members = router.scores_and_members([row.text for row in held])
        scored += list(zip(held, scores, members, strict=True))
        clauses = sorted({c for row in held for c in request_clauses(row.text) if c != row.text})
        by_clause.update(zip(clauses, router.route_many(clauses), strict=True))
        print(f"fold {index + 1}/{args.folds}: trained on {len(train)}, scored {len(held)}", flush=True)
    base = SmallModelConfig().policy
    print(f"\n{'floor':>6} {'primary':>8} {'multi exact':>12} {'single extra':>13}")
    for floor in FLOORS:
        policy: DecisionPolicy = replace(base, member_min_score=floor)
        primary = multi_ok = multi_n = single_extra = single_n = 0
        for row, score, member in scored:
            if not row.domains:
                continue
            decision = decide(score, policy, member or None)
            primary += bool(decision.domains) and decision.domains[0] in row.domains
            if len(row.domains) > 1:
                multi_n += 1
                multi_ok += set(decision.domains) == set(row.domains)
            else:
                single_n += 1
                single_extra += len(decision.domains) > 1
        in_scope = multi_n + single_n
        print(
            f"{floor:>6.2f} {primary / in_scope:>8.3f} {multi_ok / max(multi_n, 1):>8.3f} (n={multi_n})"
            f" {single_extra / max(single_n, 1):>9.3f} (n={single_n})"
        )
    _clause_table(scored, by_clause)


def _clause_table(
    scored: Sequence[tuple[RoutingExample, dict[str, float], dict[str, float]]], by_clause: dict[str, RoutingDecision]
) -> None:
    base = SmallModelConfig().policy
    rows = [row for row, _, _ in scored if row.domains]
    whole = [decide(score, base, member or None) for row, score, member in scored if row.domains]
    print(f"\n{'clause':>6} {'primary':>8} {'multi exact':>12} {'single extra':>13}")
    for floor in CLAUSE_FLOORS:
        if floor is None:
            decisions = whole
        else:
            texts = [row.text for row in rows]
            decisions = join_clause_domains(texts, whole, lambda cs: [by_clause[c] for c in cs], min_confidence=floor)
        multi = [(row, d) for row, d in zip(rows, decisions, strict=True) if len(row.domains) > 1]
        single = [(row, d) for row, d in zip(rows, decisions, strict=True) if len(row.domains) == 1]
        primary = sum(bool(d.domains) and d.domains[0] in row.domains for row, d in zip(rows, decisions, strict=True))
        multi_ok = sum(set(d.domains) == set(row.domains) for row, d in multi)
        extra = sum(len(d.domains) > 1 for _, d in single)
        label = "off" if floor is None else f"{floor:.2f}"
        print(
            f"{label:>6} {primary / len(rows):>8.3f} {multi_ok / max(len(multi), 1):>8.3f} (n={len(multi)})"
            f" {extra / max(len(single), 1):>9.3f} (n={len(single)})"
        )


if __name__ == "__main__":
    main()
