"""Cross-validated choice of the router's decision policy, on the training set only.

    python benchmarks/routing_policy_cv.py [--folds 5]

Each fold trains the small router on the other folds (the tools' examples are left out, so the
folds are the only training data) and scores its own requests once; every policy is then applied to
the same scores. Prints, per policy: primary-domain accuracy, the exact-set rate of multi-domain
requests and how often a single-domain request gets extra domains. The held-out set is not read.
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

from agents.routing.dataset import RoutingExample, builtin_training_set  # noqa: E402
from agents.routing.decision import DecisionPolicy, decide  # noqa: E402
from agents.routing.small_model import SmallModelConfig, SmallModelRouter  # noqa: E402

#: Candidate floors of the label probability a joining domain must also reach.
FLOORS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2)


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
    for index, held in enumerate(folds):
        train = [row for i, fold in enumerate(folds) if i != index for row in fold]
        router = SmallModelRouter.train(train)
        scores, members = router.scores_and_members([row.text for row in held])
        scored += list(zip(held, scores, members, strict=True))
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


if __name__ == "__main__":
    main()
