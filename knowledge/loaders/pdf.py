"""PDF (pypdf), read one page at a time so that a long manual never sits in memory at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from knowledge.errors import KnowledgeError
from knowledge.loaders.blocks import Block, SourceDocument, parse_lines

__all__ = ["load_pdf"]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def load_pdf(path: Path) -> SourceDocument:
    """A PDF file; page numbers are kept on every block. Headings are "2.1 Title" lines."""
    import logging

    from pypdf import PdfReader

    # pypdf logs recoverable damage as warnings; the ingest report is where problems are shown.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise KnowledgeError(f"{path.name}: encrypted PDF")
        page_count = len(reader.pages)
        info = reader.metadata
        title = info.title if info and info.title else None
    except KnowledgeError:
        raise
    except Exception as exc:
        raise KnowledgeError(f"{path.name}: corrupt or unreadable PDF ({_first_line(exc)})") from None

    def pages() -> Iterator[Block]:
        for number in range(page_count):
            try:
                text = reader.pages[number].extract_text() or ""
            except Exception as exc:
                raise KnowledgeError(f"{path.name}: page {number + 1} unreadable ({_first_line(exc)})") from None
            for block in parse_lines(text.splitlines(), number + 1, numbered_headings=True):
                # The title printed on the first page is already the citation's title.
                if not (number == 0 and title and block.text == title):
                    yield block

    return SourceDocument(path, {}, pages(), title_hint=title, page_count=page_count)
