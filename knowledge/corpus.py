"""Where the demo plant's documents and labelled retrieval queries live."""

from __future__ import annotations

from pathlib import Path

__all__ = ["demo_corpus_path", "heldout_queries_path", "retrieval_queries_path"]

_HERE = Path(__file__).resolve().parent


def demo_corpus_path() -> Path:
    """Folder of the demo plant's process documents (Markdown, HTML, text, PDF, DOCX)."""
    return _HERE / "demo_corpus"


def retrieval_queries_path() -> Path:
    """JSON Lines file of labelled queries (query, language, kind, gold document and section)."""
    return _HERE / "eval" / "retrieval_queries.jsonl"


def heldout_queries_path() -> Path:
    """Labelled queries kept apart from tuning (same format): fusion weights and glossary were never fitted on them."""
    return _HERE / "eval" / "retrieval_queries_heldout.jsonl"
