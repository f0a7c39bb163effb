"""Markdown (with YAML front matter) and plain text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import KnowledgeError
from knowledge.loaders.blocks import Block, SourceDocument, parse_lines

__all__ = ["load_markdown", "load_text", "split_front_matter"]


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    """Separate a leading `---` YAML block from the body."""
    if not text.startswith("---"):
        return {}, text
    head, sep, body = text[3:].partition("\n---")
    if not sep:
        return {}, text
    try:
        data = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{source}: front matter is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise KnowledgeError(f"{source}: front matter must be a mapping")
    return data, body.split("\n", 1)[1] if "\n" in body else ""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise KnowledgeError(f"{path.name}: not UTF-8 text") from None


def load_markdown(path: Path) -> SourceDocument:
    """A Markdown file; metadata from its front matter."""
    meta, body = split_front_matter(_read(path), path.name)
    blocks = list(parse_lines(body.splitlines()))
    title = next((b.text for b in blocks if b.kind == "heading"), None)
    return SourceDocument(path, meta, blocks, title_hint=title)


def load_text(path: Path) -> SourceDocument:
    """A plain text file; form feeds separate pages, "1.2 Title" lines are headings."""
    pages = _read(path).split("\f")
    blocks: list[Block] = []
    for number, page in enumerate(pages, start=1):
        blocks.extend(parse_lines(page.splitlines(), number if len(pages) > 1 else None, numbered_headings=True))
    title = next((b.text for b in blocks if b.kind == "heading"), None)
    return SourceDocument(path, {}, blocks, title_hint=title, page_count=len(pages) if len(pages) > 1 else None)
