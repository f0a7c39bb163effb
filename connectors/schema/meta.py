"""What the database holds: the plant clock and how the data was generated.

The plant clock ("now") is where the data ends; relative times ("yesterday", "上周") resolve
against it, never against the wall clock, so answers are reproducible. No wall-clock time is
stored anywhere: the same seed gives the same database.
"""

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

__all__ = ["PlantMeta"]


class PlantMeta(SQLModel, table=True):
    """A single row (id 1) describing the plant in this database."""

    __tablename__ = "plant_meta"

    id: int | None = Field(default=None, primary_key=True)
    site_code: str
    plant_clock: NaiveDatetime = Field(description="Naive plant-local time at which the data ends.")
    data_start: NaiveDatetime
    seed: int
    scale: str
    generator_version: str
