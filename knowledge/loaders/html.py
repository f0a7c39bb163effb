"""HTML pages (beautifulsoup4): headings, paragraphs, ordered lists as steps, tables kept whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from knowledge.errors import KnowledgeError
from knowledge.loaders.blocks import Block, BlockKind, SourceDocument

__all__ = ["load_html"]

_META_NAMES = {"id", "doc_type", "type", "language", "version", "lines", "equipment", "access_level"}


def _clean(text: str) -> str:
    return " ".join(text.split())


def _table_rows(table: Any) -> str:
    rows = []
    for tr in table.find_all("tr"):
        cells = [_clean(cell.get_text(" ")) for cell in tr.find_all(["th", "td"])]
        if cells:
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _walk(node: Any) -> Iterator[Block]:
    for child in getattr(node, "children", []):
        name = getattr(child, "name", None)
        if name is None:
            text = _clean(str(child))
            if text and getattr(node, "name", "") in ("body", "div", "section", "article", "main"):
                yield Block("paragraph", text)
            continue
        if name in ("script", "style", "head", "nav", "footer"):
            continue
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _clean(child.get_text(" "))
            if text:
                yield Block("heading", text, level=int(name[1]))
        elif name in ("p", "pre", "blockquote"):
            text = _clean(child.get_text(" "))
            if text:
                yield Block("paragraph", text)
        elif name in ("ol", "ul"):
            kind: BlockKind = "step" if name == "ol" else "list"
            for number, item in enumerate(child.find_all("li", recursive=False), start=1):
                text = _clean(item.get_text(" "))
                if text:
                    yield Block(kind, f"{number}. {text}" if kind == "step" else f"- {text}")
        elif name == "table":
            rows = _table_rows(child)
            if rows:
                yield Block("table", rows)
        else:
            yield from _walk(child)


def load_html(path: Path) -> SourceDocument:
    """An HTML file; metadata from `<meta name="doc_type" content="...">`-style tags."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(path.read_bytes(), "html.parser")
    except Exception as exc:
        raise KnowledgeError(f"{path.name}: cannot parse HTML ({exc})") from None
    meta: dict[str, Any] = {}
    for tag in soup.find_all("meta"):
        name, content = tag.get("name"), tag.get("content")
        if isinstance(name, str) and isinstance(content, str) and name.lower() in _META_NAMES:
            meta[name.lower()] = content
    title = _clean(soup.title.get_text()) if soup.title else None
    body = soup.body or soup
    return SourceDocument(path, meta, list(_walk(body)), title_hint=title or None)
