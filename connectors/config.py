"""Typed configuration of the plant database, built by `ui/` and handed down."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DatabaseConfig"]


class DatabaseConfig(BaseModel):
    """Where the plant data lives: any SQLAlchemy URL (SQLite file or `postgresql+psycopg://...`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(description="SQLAlchemy URL, e.g. sqlite:///.andon/plant.db")
    echo: bool = Field(False, description="Log every SQL statement (debugging).")
