"""Andon's version: written once, as `version` in pyproject.toml, and read from the installed metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["andon_version"]


def andon_version() -> str | None:
    """The installed distribution's version; None in a source tree that was never installed."""
    try:
        return version("andon")
    except PackageNotFoundError:
        return None
