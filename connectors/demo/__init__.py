"""The demo plant: fixed master data (`catalog`), its stories (`stories`) and the seeded generator."""

from connectors.demo import catalog, stories
from connectors.demo.stories import PLANT_CLOCK

__all__ = ["PLANT_CLOCK", "catalog", "stories"]
