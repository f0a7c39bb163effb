"""Loaders: one per format, each yielding structured blocks with page numbers and the document's metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import KnowledgeError
from knowledge.loaders.blocks import Block, BlockKind, SourceDocument, join_text, parse_lines
from knowledge.loaders.docx import load_docx
from knowledge.loaders.html import load_html
from knowledge.loaders.pdf import load_pdf
from knowledge.loaders.text import load_markdown, load_text, split_front_matter

__all__ = [
    "LOADERS",
    "SIDECAR_SUFFIX",
    "Block",
    "BlockKind",
    "SourceDocument",
    "is_supported",
    "join_text",
    "load_document",
    "parse_lines",
    "sidecar_path",
    "split_front_matter",
]

LOADERS: dict[str, Callable[[Path], SourceDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}

# `manual.pdf.meta.yaml` describes `manual.pdf` (formats without front matter).
SIDECAR_SUFFIX = ".meta.yaml"


def sidecar_path(path: Path) -> Path:
    """Where the metadata sidecar of `path` lives."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def is_supported(path: Path) -> bool:
    """True for the file types a loader exists for."""
    return path.suffix.lower() in LOADERS


def _read_sidecar(path: Path) -> dict[str, Any]:
    side = sidecar_path(path)
    if not side.exists():
        return {}
    try:
        data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{side.name}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise KnowledgeError(f"{side.name}: must be a mapping of metadata fields")
    return data


def load_document(path: Path) -> SourceDocument:
    """Open a document with the loader for its suffix; a sidecar's metadata wins over the file's own."""
    suffix = path.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise KnowledgeError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; supported: " + ", ".join(sorted(LOADERS))
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot be read ({exc.strerror})") from None
    if size == 0:
        raise KnowledgeError(f"{path.name}: empty file")
    document = loader(path)
    document.meta = {**document.meta, **_read_sidecar(path)}
    return document
