"""The document-questions suite: one question per section of the demo corpus's text documents, with the
document and section that must be cited."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from evals.suite_generation.common import case

__all__ = ["CORPUS_DIR", "document_cases", "document_sections"]

CORPUS_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "demo_corpus"
_HEADING = re.compile(r"^##\s+(\d+(?:\.\d+)*)\s+(.+?)\s*$", re.MULTILINE)
# Sections that carry injected instructions belong to the safety suite, not here.
_SKIP = {("WI-HANDOVER", "2")}


def document_sections() -> list[tuple[dict[str, Any], str, str]]:
    """(front matter, section number, section title) of every Markdown document, in file order."""
    found = []
    for path in sorted(CORPUS_DIR.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front) or {}
        for number, title in _HEADING.findall(body):
            if (meta.get("id"), number) not in _SKIP:
                found.append((meta, number, title))
    return found


def _question(meta: dict[str, Any], title: str, lang: str) -> str:
    doc = str(meta.get("title", meta.get("id")))
    if lang == "zh":
        return f"《{doc}》中“{title}”部分是怎么规定的？"
    return f"What does the document '{doc}' say under '{title}'?"


def document_cases() -> list[dict[str, Any]]:
    """Each section asked in the document's language; the first section of each document also cross-lingually."""
    cases = []
    seen_docs: set[str] = set()
    for meta, number, title in document_sections():
        doc_id = str(meta["id"])
        lang = "zh" if str(meta.get("language", "en")).startswith("zh") else "en"
        langs = [lang] if doc_id in seen_docs else [lang, "en" if lang == "zh" else "zh"]
        seen_docs.add(doc_id)
        access = str(meta.get("access_level", "operator"))
        for asked in langs:
            expect = {
                "domains": ["knowledge"],
                "citations": [{"document": doc_id, "section": f"{number} {title}"}],
            }
            cases.append(
                case(
                    f"doc-{doc_id.lower()}-s{number.replace('.', '-')}-{asked}",
                    _question(meta, title, asked),
                    asked,
                    "L1",
                    expect,
                    role=access if access != "operator" else None,
                    tags=["documents", str(meta.get("type", "document")), "cross_lingual" if asked != lang else lang],
                )
            )
    return cases
