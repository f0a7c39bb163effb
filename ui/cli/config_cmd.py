"""`andon config show`: the effective configuration, secrets masked; `andon config init`: a commented andon.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import SecretStr
from rich.table import Table

from ui.cli.common import console, print_json, settings
from ui.config import CONFIG_FILE_NAME, ConfigError

__all__ = ["config_app", "masked_settings"]

config_app = typer.Typer(
    help="Configuration: show the effective settings, write a commented andon.toml. / 配置：查看设置、生成配置文件",
    no_args_is_help=True,
)


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
def show(as_json: Annotated[bool, typer.Option("--json", help="Print JSON. / 以JSON输出")] = False) -> None:
    """Print the effective configuration (andon.toml + ANDON_* environment), secrets masked.

    显示生效的配置（密钥已隐藏）
    """
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


@config_app.command("init")
def init(
    path: Annotated[Path, typer.Option("--path", help="Where to write it. / 写入位置")] = Path(CONFIG_FILE_NAME),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file. / 覆盖已有文件")] = False,
) -> None:
    """Write a commented andon.toml with every setting (the effective values of ANDON_* included).

    生成带注释的 andon.toml
    """
    from ui.config_file import render_config_file

    if path.exists() and not force:
        raise ConfigError(f"{path} exists; use --force to replace it / 文件已存在，使用 --force 覆盖")
    current = settings()
    path.write_text(render_config_file(current, Path.cwd()), encoding="utf-8")
    console.print(f"wrote / 已写入 {path}", highlight=False)
