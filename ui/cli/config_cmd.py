"""`andon config show`: the effective configuration, secrets masked."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from pydantic import SecretStr
from rich.table import Table

from ui.cli.common import console, print_json, settings

__all__ = ["config_app", "masked_settings"]

config_app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)


def _mask(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return "********" if value.get_secret_value() else ""
    if isinstance(value, list):
        return [_mask(item) for item in value]
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if hasattr(value, "model_dump"):
        return {key: _mask(getattr(value, key)) for key in type(value).model_fields}
    return value


def masked_settings() -> dict[str, Any]:
    """The effective settings as a plain dict with every secret replaced by asterisks."""
    current = settings()
    shown = {name: _mask(getattr(current, name)) for name in type(current).model_fields}
    url = current.effective_database_url
    shown["database_url"] = _mask_url(url)
    shown["data_home"] = str(current.data_home)
    return shown


def _mask_url(url: str) -> str:
    """Hide the password in a database URL (postgresql://user:secret@host/db)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:********@{host}" if ":" in credentials else url


@config_app.command("show")
def show(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Print the effective configuration (andon.toml + ANDON_* environment), secrets masked."""
    shown = masked_settings()
    if as_json:
        print_json(shown)
        return
    table = Table(title="Andon configuration / 配置", show_lines=False)
    table.add_column("setting")
    table.add_column("value")
    for key, value in shown.items():
        table.add_row(key, "" if value is None else str(value))
    console.print(table)
