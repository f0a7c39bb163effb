"""Cross-language query expansion from a plant glossary (English <-> Chinese terms).

Dense retrieval with a small multilingual model finds same-language passages far more easily
than passages in the other language; a Chinese question about an English-only manual is common
on the shop floor. The glossary gives the query its terms in the other language, which BM25 and
a second dense query can then match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Glossary", "bundled_glossary"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Glossary:
    """Pairs of synonym sets: (English terms, Chinese terms)."""

    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]

    @classmethod
    def parse(cls, text: str) -> Glossary:
        """`english|synonym<TAB>中文|同义词` lines; `#` starts a comment."""
        pairs = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#") or "\t" not in line:
                continue
            en, zh = line.split("\t", 1)
            pairs.append(
                (
                    tuple(t.strip().lower() for t in en.split("|") if t.strip()),
                    tuple(t.strip() for t in zh.split("|") if t.strip()),
                )
            )
        return cls(tuple(pairs))

    def translate(self, query: str) -> str:
        """The other-language terms of the glossary entries found in `query` ("" if none)."""
        lowered = f" {re.sub(r'[^0-9a-z/+-]+', ' ', query.lower())} "
        found: list[str] = []
        for en_terms, zh_terms in self.pairs:
            zh_hit = any(term in query for term in zh_terms)
            en_hit = any(f" {term} " in lowered for term in en_terms)
            if zh_hit and en_terms[0] not in found:
                found.append(en_terms[0])
            if en_hit and zh_terms[0] not in found:
                found.append(zh_terms[0])
        return " ".join(found)


@lru_cache(maxsize=1)
def bundled_glossary() -> Glossary:
    """The glossary shipped with Andon (knowledge/glossary.tsv)."""
    return Glossary.parse((Path(__file__).parent / "glossary.tsv").read_text(encoding="utf-8"))
