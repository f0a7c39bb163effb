"""Search filters and reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from knowledge.catalogue import DocumentRecord
from knowledge.errors import KnowledgeError
from knowledge.metadata import DOC_TYPES, access_rank

__all__ = ["RRF_K", "SearchFilters", "SearchMode", "parse_filters", "reciprocal_rank_fusion"]

SearchMode = Literal["hybrid", "dense", "bm25"]

# The constant of Cormack et al. (2009); it damps the weight of the very first ranks.
RRF_K = 60

_KNOWN = {"doc_type", "line", "equipment", "language", "document"}


def _as_set(value: Any) -> frozenset[str] | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        return frozenset(v.strip() for v in value.split(",") if v.strip())
    return frozenset(str(v) for v in value)


def _upper(values: frozenset[str] | None) -> frozenset[str] | None:
    # Line and equipment codes are matched case-insensitively ("l2" finds "L2").
    return None if values is None else frozenset(v.upper() for v in values)


@dataclass(frozen=True)
class SearchFilters:
    """Document-level filters; all given ones must hold. Documents without any line / equipment
    listed apply plant-wide and pass a line / equipment filter."""

    doc_types: frozenset[str] | None = None
    lines: frozenset[str] | None = None
    equipment: frozenset[str] | None = None
    languages: frozenset[str] | None = None
    documents: frozenset[str] | None = None

    def admits(self, record: DocumentRecord, max_rank: int) -> bool:
        if access_rank(record.access_level) > max_rank:
            return False
        if self.doc_types is not None and record.doc_type not in self.doc_types:
            return False
        if self.lines is not None and record.lines and not self.lines & {x.upper() for x in record.lines}:
            return False
        if (
            self.equipment is not None
            and record.equipment
            and not self.equipment & {x.upper() for x in record.equipment}
        ):
            return False
        if self.languages is not None and record.language not in self.languages:
            return False
        return self.documents is None or record.id in self.documents


def parse_filters(filters: Mapping[str, Any] | None) -> SearchFilters:
    """Validate a filters mapping: doc_type, line, equipment, language, document (each a value or a list)."""
    if not filters:
        return SearchFilters()
    unknown = set(filters) - _KNOWN
    if unknown:
        raise KnowledgeError(f"unknown search filter {sorted(unknown)[0]!r}; known: {', '.join(sorted(_KNOWN))}")
    doc_types = _as_set(filters.get("doc_type"))
    if doc_types is not None:
        bad = sorted(doc_types - set(DOC_TYPES))
        if bad:
            raise KnowledgeError(f"unknown document type {bad[0]!r}; expected one of {', '.join(DOC_TYPES)}")
    return SearchFilters(
        doc_types=doc_types,
        lines=_upper(_as_set(filters.get("line"))),
        equipment=_upper(_as_set(filters.get("equipment"))),
        languages=_as_set(filters.get("language")),
        documents=_as_set(filters.get("document")),
    )


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Sum of weight / (k + rank) over the rankings an id appears in (rank starts at 1, weights default to 1)."""
    fused: dict[str, float] = {}
    for number, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[number]
        for rank, chunk_id in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (k + rank)
    return fused
