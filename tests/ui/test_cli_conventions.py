"""Conventions every `andon` command keeps: help in English and Chinese, `--json` where results are printed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import typer

from ui.cli import app

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{3}")

# Commands that print no result to read back: they serve, stream a conversation, write a file,
# or print one value that is itself the output (a hash, a token, a YAML mapping).
NO_JSON = {
    "andon demo",
    "andon ui",
    "andon chat",
    "andon config init",
    "andon proposals show",  # prints JSON always
    "andon audit verify",
    "andon eval import",
    "andon users hash-password",
    "andon users new-token",
    "andon users hash-token",
    "andon sim opcua",
    "andon sim mqtt",
    "andon sim mapping",
    "andon live run",
    "andon live browse",
    "andon mcp serve",
}


def _is_group(command: Any) -> bool:
    return hasattr(command, "commands")


def _commands() -> Iterator[tuple[str, Any]]:
    def walk(command: Any, path: str) -> Iterator[tuple[str, Any]]:
        yield path, command
        if _is_group(command):
            for name, sub in command.commands.items():
                yield from walk(sub, f"{path} {name}")

    yield from walk(typer.main.get_command(app), "andon")


def test_every_help_text_is_in_english_and_chinese() -> None:
    missing = []
    for path, command in _commands():
        texts = [("help", command.help or "")]
        texts += [(p.name or "", getattr(p, "help", None) or "") for p in command.params if p.name != "help"]
        for name, text in texts:
            if not (_CJK.search(text) and _LATIN.search(text)):
                missing.append(f"{path} {name}: {text!r}")
    assert missing == []


def test_every_command_that_prints_results_has_json() -> None:
    leaves = [(path, c) for path, c in _commands() if not _is_group(c)]
    assert len(leaves) == 40
    without = sorted(path for path, c in leaves if not any("--json" in getattr(p, "opts", []) for p in c.params))
    assert without == sorted(NO_JSON)
