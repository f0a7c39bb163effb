"""Errors of the connectors layer. Messages are one line, meant for the person at the keyboard."""

from __future__ import annotations

__all__ = [
    "ConnectorError",
    "DatabaseUnavailableError",
    "NoPlantError",
    "PlantExistsError",
    "UnknownScaleError",
]


class ConnectorError(Exception):
    """Base of every user-facing error raised by `connectors`."""


class DatabaseUnavailableError(ConnectorError):
    """The database URL is malformed, the server cannot be reached, or it refuses the login."""


class PlantExistsError(ConnectorError):
    """Seeding would overwrite an existing plant and `force` was not given."""


class NoPlantError(ConnectorError):
    """The database holds no plant (it was never seeded)."""


class UnknownScaleError(ConnectorError):
    """A demo plant scale that does not exist was asked for."""
