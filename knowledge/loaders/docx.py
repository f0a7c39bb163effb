"""Word documents (python-docx): heading and list styles, tables kept whole, explicit page breaks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from knowledge.errors import KnowledgeError
from knowledge.loaders.blocks import Block, SourceDocument, parse_lines

__all__ = ["load_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _page_breaks(element: Any) -> int:
    return sum(1 for br in element.iter(f"{_W}br") if br.get(f"{_W}type") == "page")


def _paragraph_block(paragraph: Any, page: int) -> Block | None:
    text = " ".join(paragraph.text.split())
    if not text:
        return None
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.startswith("Heading"):
        level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
        return Block("heading", text, page, level)
    if style == "Title":
        return Block("heading", text, page, 1)
    if style.startswith("List Number"):
        return Block("step", text, page)
    if style.startswith("List Bullet"):
        return Block("list", f"- {text}", page)
    parsed = list(parse_lines([text], page))
    return parsed[0] if parsed else None


def _table_block(table: Any, page: int) -> Block | None:
    rows = []
    for row in table.rows:
        cells = [" ".join(cell.text.split()) for cell in row.cells]
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
    return Block("table", "\n".join(rows), page) if rows else None


def load_docx(path: Path) -> SourceDocument:
    """A .docx file; metadata from its core properties (title, version, category as doc type)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(str(path))
    except Exception as exc:
        raise KnowledgeError(f"{path.name}: corrupt or unreadable DOCX ({type(exc).__name__})") from None
    props = document.core_properties
    meta: dict[str, Any] = {}
    if props.version:
        meta["version"] = props.version
    if props.category:
        meta["doc_type"] = props.category
    if props.language:
        meta["language"] = props.language

    def blocks() -> Iterator[Block]:
        page = 1
        for element in document.element.body.iterchildren():
            if element.tag == f"{_W}p":
                if element.find(f"{_W}pPr/{_W}pageBreakBefore") is not None:
                    page += 1
                block = _paragraph_block(Paragraph(element, document), page)
                if block:
                    yield block
                # Text before a break inside the paragraph belongs to the earlier page.
                page += _page_breaks(element)
            elif element.tag == f"{_W}tbl":
                block = _table_block(Table(element, document), page)
                if block:
                    yield block

    return SourceDocument(path, meta, list(blocks()), title_hint=props.title or None)
