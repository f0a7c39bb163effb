"""Gold values computed from the plant data by named reference functions (see `registry`).

from evals.gold import GOLD, GoldResolver
resolve = GoldResolver(engine, GOLD)
resolve(GoldRef(fn="line_oee", args={"line": "L2", "period": "yesterday"}))
"""

from evals.gold.equipment import register_equipment
from evals.gold.maintenance import register_maintenance
from evals.gold.production import register_production
from evals.gold.quality import register_quality
from evals.gold.registry import GoldFunction, GoldRegistry, GoldResolver
from evals.gold.supply_chain import register_supply_chain

__all__ = ["GOLD", "GoldFunction", "GoldRegistry", "GoldResolver", "builtin_gold"]


def builtin_gold() -> GoldRegistry:
    """A registry with every built-in gold function."""
    registry = GoldRegistry()
    for register in (
        register_production,
        register_quality,
        register_maintenance,
        register_equipment,
        register_supply_chain,
    ):
        register(registry)
    return registry


GOLD = builtin_gold()
