"""The `andon` command line. Heavy libraries are imported inside commands, never at import time,
so that `andon --help` stays fast."""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
import tempfile
import traceback
import unicodedata
from pathlib import Path
from typing import Annotated

import typer
from typer.exceptions import TyperException

from ui.cli.ask_cmd import register_ask
from ui.cli.audit_cmd import audit_app
from ui.cli.chat_cmd import register_chat
from ui.cli.common import err_console
from ui.cli.config_cmd import config_app
from ui.cli.db_cmd import db_app
from ui.cli.demo_cmd import register_demo
from ui.cli.eval_cmd import eval_app
from ui.cli.knowledge_cmd import knowledge_app
from ui.cli.mcp_cmd import mcp_app
from ui.cli.proposals_cmd import proposals_app
from ui.cli.route_cmd import register_route
from ui.cli.sim_cmd import live_app, sim_app
from ui.cli.tools_cmd import tools_app
from ui.cli.ui_cmd import register_ui
from ui.cli.users_cmd import users_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="andon",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(tools_app, name="tools")
app.add_typer(proposals_app, name="proposals")
app.add_typer(audit_app, name="audit")
app.add_typer(eval_app, name="eval")
app.add_typer(users_app, name="users")
app.add_typer(sim_app, name="sim")
app.add_typer(live_app, name="live")
app.add_typer(mcp_app, name="mcp")
register_demo(app)
register_ui(app)
register_ask(app)
register_chat(app)
register_route(app)


def _print_version(value: bool) -> None:
    if value:
        from ui.version import andon_version

        print(f"andon {andon_version() or 'unknown (not installed)'}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit. / 显示版本并退出",
        ),
    ] = False,
) -> None:
    """Andon: industrial agents over your plant's MES/ERP data and process documents.

    Andon：基于工厂 MES/ERP 数据与工艺文档的工业智能体。
    """


# Layers whose errors are the user's to fix: they are printed as one line with exit code 2.
_USER_ERROR_TYPES = (
    ("ui.config", "ConfigError"),
    ("connectors.errors", "ConnectorError"),
    ("knowledge.errors", "KnowledgeError"),
    ("tools.errors", "ToolError"),
    ("agents.errors", "AgentError"),
    ("evals.errors", "EvalError"),
)


def _user_error_types() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = []
    for module_name, class_name in _USER_ERROR_TYPES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        error_type = getattr(module, class_name, None)
        if isinstance(error_type, type) and issubclass(error_type, BaseException):
            found.append(error_type)
    return tuple(found)


def _save_traceback() -> Path:
    with tempfile.NamedTemporaryFile("w", prefix="andon-error-", suffix=".txt", delete=False) as handle:
        traceback.print_exc(file=handle)
    return Path(handle.name)


_INTERRUPTED = 130


class _OneLineFormatter(logging.Formatter):
    """`warning: message` on one line: a logged exception shows its type and first line, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        message = " ".join(record.getMessage().split())
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            first = (str(exc).splitlines() or [""])[0][:200]
            message += f" ({type(exc).__name__}: {first})"
        return f"{record.levelname.lower()}: {message}"


class _StderrHandler(logging.Handler):
    """Writes to whatever `sys.stderr` is at the time (tests and the console swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed stream: nothing to tell
            sys.stderr.write(self.format(record) + "\n")


def _one_line_logging() -> None:
    # Without a handler, Python prints warnings and logged exceptions with their traceback to stderr.
    root = logging.getLogger()
    if not root.handlers:
        handler = _StderrHandler(logging.WARNING)
        handler.setFormatter(_OneLineFormatter())
        root.addHandler(handler)


# Every character str.splitlines() breaks at.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _one_line(message: str) -> str:
    """`message` on one line with no control characters: user input echoed in an error can hold line
    separators or terminal escape sequences."""
    return "".join(
        " " if c in _LINE_BREAKS else "\ufffd" if unicodedata.category(c)[0] == "C" and c != "\t" else c
        for c in message.strip()
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `andon` console script."""
    _one_line_logging()
    try:
        result = app(args=argv, standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted / 已取消")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except TyperException as exc:
        # Usage errors (unknown command, bad option value) carry exit code 2.
        message = _one_line(exc.format_message())
        err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if isinstance(exc, _user_error_types()):
            err_console.print(f"error: {_one_line(str(exc))}", markup=False, highlight=False, soft_wrap=True)
            sys.exit(2)
        saved = _save_traceback()
        err_console.print(
            f"internal error: {type(exc).__name__}: {_one_line(str(exc))} (details in {saved})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
    if result == _INTERRUPTED:  # Typer turns Ctrl-C inside a command into this exit code
        err_console.print("aborted / 已取消")
    sys.exit(result if isinstance(result, int) else 0)
