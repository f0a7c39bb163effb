"""The demo plant: fixed master data (`catalog`), its stories (`stories`) and the seeded generator."""

from connectors.demo import catalog, stories
from connectors.demo.generator import GENERATOR_VERSION, SeedSummary, seed_plant
from connectors.demo.scales import SCALES, Scale, ScaleName, get_scale
from connectors.demo.stories import PLANT_CLOCK

__all__ = [
    "GENERATOR_VERSION",
    "PLANT_CLOCK",
    "SCALES",
    "Scale",
    "ScaleName",
    "SeedSummary",
    "catalog",
    "get_scale",
    "seed_plant",
    "stories",
]
