"""`andon users ...`: who may sign in, and password hashes for `andon.toml`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ui.cli.common import console, print_json, settings

__all__ = ["users_app"]

users_app = typer.Typer(
    help="Users and roles: list them, hash a password or make an MCP bearer token for andon.toml. / 用户与角色",
    no_args_is_help=True,
)


@users_app.command("list")
def list_users(as_json: Annotated[bool, typer.Option("--json", help="Print JSON. / 以JSON输出")] = False) -> None:
    """The users who may sign in (the demo users while none are configured), without secrets. / 可登录的用户"""
    from ui.system import users

    current = settings()
    rows = [
        {
            "name": account.name,
            "role": account.role,
            "scopes": account.scopes,
            "display_name": account.display_name,
            "password": "hash set" if account.password_hash else ("= name (demo)" if current.users is None else "none"),
            "token": "hash set" if account.token_hash else "none",
        }
        for account in users(current)
    ]
    if as_json:
        print_json(rows)
        return
    table = Table(title="users / 用户")
    for column in ("name", "role", "scopes", "display_name", "password", "token"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(", ".join(v) if isinstance(v, list) else str(v or "") for v in row.values()))
    console.print(table)


@users_app.command("hash-password")
def hash_password_command(
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, help="Asked for when omitted. / 省略时提示输入"
        ),
    ],
) -> None:
    """Print a salted scrypt hash to put in andon.toml as a user's `password_hash`. / 输出加盐的 scrypt 哈希"""
    from ui.console.auth import hash_password

    print(hash_password(password))


@users_app.command("new-token")
def new_token_command() -> None:
    """Make a random bearer token for `andon mcp serve --http`; store only its hash in andon.toml. / 生成随机令牌"""
    from ui.tokens import hash_token, new_token

    token = new_token()
    print(f"token (shown once; give it to the MCP client) / 令牌（仅显示一次）: {token}")
    print(f'andon.toml, under the user / 写入该用户: token_hash = "{hash_token(token)}"')


@users_app.command("hash-token")
def hash_token_command(
    token: Annotated[str, typer.Option(prompt=True, hide_input=True, help="Asked for when omitted. / 省略时提示输入")],
) -> None:
    """Print the hash of an existing bearer token, to put in andon.toml as a user's `token_hash`.

    输出已有令牌的哈希
    """
    from tools import InvalidArgumentsError
    from ui.tokens import hash_token

    if len(token.strip()) < 24:
        raise InvalidArgumentsError("a bearer token needs at least 24 characters; `andon users new-token` makes one")
    print(hash_token(token.strip()))
