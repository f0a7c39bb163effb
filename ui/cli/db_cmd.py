"""`andon db ...`: seed the demo plant, show what a database holds."""

from __future__ import annotations

import typer

__all__ = ["db_app"]

db_app = typer.Typer(
    help="Plant database: seed the demo plant, show row counts and the plant clock.", no_args_is_help=True
)
