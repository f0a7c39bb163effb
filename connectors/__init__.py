"""Where factory data comes from: ISA-95 MES + ERP schema, engines and the demo plant.

    from connectors import DatabaseConfig, open_engine, plant_clock
    engine = open_engine(DatabaseConfig(url="sqlite:///.andon/plant.db"))

All plant datetimes are naive plant-local times; see `connectors.schema`.
"""

from connectors.config import DatabaseConfig
from connectors.demo import PLANT_CLOCK, SCALES, ScaleName, SeedSummary, seed_plant
from connectors.engine import create_schema, describe_url, open_engine
from connectors.errors import (
    ConnectorError,
    DatabaseUnavailableError,
    NoPlantError,
    PlantExistsError,
    UnknownScaleError,
)
from connectors.plant import PlantInfo, has_plant, plant_clock, plant_info
from connectors.schema import *  # noqa: F403  (the schema's __all__ is part of this package's API)
from connectors.schema import __all__ as _schema_all

__all__ = [
    "PLANT_CLOCK",
    "SCALES",
    "ConnectorError",
    "DatabaseConfig",
    "DatabaseUnavailableError",
    "NoPlantError",
    "PlantExistsError",
    "PlantInfo",
    "ScaleName",
    "SeedSummary",
    "UnknownScaleError",
    "create_schema",
    "describe_url",
    "has_plant",
    "open_engine",
    "plant_clock",
    "plant_info",
    "seed_plant",
    *_schema_all,
]
