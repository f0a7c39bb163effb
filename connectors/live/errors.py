"""Errors of the live-data connectors. Messages are one line, meant for the person at the keyboard."""

from __future__ import annotations

from connectors.errors import ConnectorError

__all__ = ["LiveDataError", "MappingError", "SetpointRefusedError", "SourceUnavailableError"]


class LiveDataError(ConnectorError):
    """Base of the errors of OPC UA and MQTT connections."""


class MappingError(LiveDataError):
    """The mapping file is unreadable or names nodes, topics, tags or machines that do not fit."""


class SourceUnavailableError(LiveDataError):
    """An OPC UA server or MQTT broker cannot be reached, or refuses the connection."""


class SetpointRefusedError(LiveDataError):
    """A setpoint write that the mapping does not allow (unknown, out of range, interlock or safety)."""
