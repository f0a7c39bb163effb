"""Structured blocks that every loader yields, and the line parser shared by text-like formats."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["Block", "BlockKind", "SourceDocument", "join_text", "parse_lines"]

BlockKind = Literal["heading", "paragraph", "step", "list", "table"]


@dataclass(frozen=True)
class Block:
    """One structural unit of a document: a heading (with level), a paragraph, a numbered step,
    a bullet item or a whole table (rows as `| a | b |` lines). `page` is 1-based or None."""

    kind: BlockKind
    text: str
    page: int | None = None
    level: int = 0


@dataclass
class SourceDocument:
    """A loaded document: metadata it carries itself and a lazy stream of blocks (pages are read
    as the stream is consumed, so a long PDF is never held in memory at once)."""

    path: Path
    meta: dict[str, Any]
    blocks: Iterable[Block]
    title_hint: str | None = None
    page_count: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def join_text(left: str, right: str) -> str:
    """Join wrapped lines: no space between Chinese characters, one space otherwise."""
    if not left:
        return right
    if not right:
        return left
    if _CJK_END.search(left) and _CJK_START.search(right):
        return left + right
    return f"{left} {right}"


_ATX = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s+(\S.{0,80})$")
_STEP = re.compile(
    r"^\s*(?:\d{1,3}[.)、]|[（(]\d{1,3}[)）]|步骤\s*\d{1,3}[:：.、]?|Step\s+\d{1,3}[:.)]?)\s*\S", re.IGNORECASE
)
_BULLET = re.compile(r"^\s*[-*•·]\s+(\S.*)$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")


def _is_numbered_heading(line: str) -> tuple[int, str] | None:
    match = _NUMBERED_HEADING.match(line.strip())
    if not match:
        return None
    title = match.group(2)
    # "3 mm" or "2 pcs per bin." are sentences, and long lines are wrapped text, not headings.
    if title[-1] in ".。;；,，:：" or title[0].islower() or title[0].isdigit() or len(title) > 60:
        return None
    return match.group(1).count(".") + 1, line.strip()


class _LineParser:
    def __init__(self, page: int | None, numbered_headings: bool) -> None:
        self.page = page
        self.numbered_headings = numbered_headings
        self.out: list[Block] = []
        self.kind: BlockKind | None = None
        self.buffer: list[str] = []

    def flush(self) -> None:
        if self.kind and self.buffer:
            if self.kind == "table":
                text = "\n".join(self.buffer)
            else:
                text = ""
                for part in self.buffer:
                    text = join_text(text, part)
            self.out.append(Block(self.kind, text.strip(), self.page))
        self.kind, self.buffer = None, []

    def start(self, kind: BlockKind, text: str) -> None:
        self.flush()
        self.kind, self.buffer = kind, [text]

    def feed(self, raw: str, following: str | None) -> bool:
        """Consume one line; returns True when the next line was consumed as a setext underline."""
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            self.flush()
            return False
        atx = _ATX.match(stripped)
        if atx:
            self.flush()
            self.out.append(Block("heading", atx.group(2).strip(), self.page, len(atx.group(1))))
            return False
        if following is not None and _SETEXT.match(following.strip()) and self.kind != "table":
            self.flush()
            level = 1 if following.strip().startswith("=") else 2
            self.out.append(Block("heading", stripped, self.page, level))
            return True
        if stripped.startswith("|"):
            if self.kind != "table":
                self.start("table", stripped)
            elif not _TABLE_SEPARATOR.match(stripped):
                self.buffer.append(stripped)
            return False
        if self.numbered_headings:
            heading = _is_numbered_heading(stripped)
            if heading:
                self.flush()
                self.out.append(Block("heading", heading[1], self.page, heading[0]))
                return False
        if _STEP.match(stripped):
            self.start("step", stripped)
            return False
        bullet = _BULLET.match(stripped)
        if bullet:
            self.start("list", stripped)
            return False
        if self.kind in ("paragraph", "step", "list"):
            self.buffer.append(stripped)
        else:
            self.start("paragraph", stripped)
        return False


def parse_lines(lines: Iterable[str], page: int | None = None, *, numbered_headings: bool = False) -> Iterator[Block]:
    """Blocks from text lines: `#` and underlined headings, `|` tables, numbered steps, bullets,
    paragraphs; with `numbered_headings`, "2.1 Scope"-style lines are headings too (PDF, text)."""
    parser = _LineParser(page, numbered_headings)
    items = list(lines)
    skip = False
    for index, line in enumerate(items):
        if skip:
            skip = False
            continue
        following = items[index + 1] if index + 1 < len(items) else None
        skip = parser.feed(line, following)
    parser.flush()
    yield from parser.out
