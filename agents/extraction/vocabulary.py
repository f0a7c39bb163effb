"""The plant's vocabulary: the codes, names and aliases operators use for lines, machines, materials...

A `Vocabulary` is plain data built by the caller (from the plant database with
`vocabulary_from_session`, or from rows shaped like the demo catalog) and matched against free
text in one compiled pattern, so extraction costs microseconds per request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EntityKind", "Term", "Vocabulary", "terms_from_rows"]

EntityKind = str
"""line, equipment, product, material, supplier, customer, characteristic, tag, alarm_code, defect_code,
downtime_reason, failure_mode, shift, site, area, location, production_order, purchase_order,
maintenance_order, sales_order, delivery."""


@dataclass(frozen=True)
class Term:
    """One thing the plant has: its kind, its code and every name it is called by."""

    kind: EntityKind
    code: str
    names: tuple[str, ...] = ()
    parent: str = ""
    """The code of what it belongs to, where the plant says: a machine's line."""


def _split_aliases(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [alias.strip() for alias in value.split("|") if alias.strip()]
    return [str(alias).strip() for alias in value if str(alias).strip()]


def terms_from_rows(kind: EntityKind, rows: Iterable[Mapping[str, Any]]) -> list[Term]:
    """Terms from rows with `code` and optional `name_en`, `name_zh`, `aliases` ('|'-separated or a list)."""
    terms: list[Term] = []
    for row in rows:
        names = [str(row[key]) for key in ("name_en", "name_zh") if row.get(key)]
        names += _split_aliases(row.get("aliases"))
        parent = str(row.get("parent") or "")
        terms.append(Term(kind=kind, code=str(row["code"]), names=tuple(dict.fromkeys(names)), parent=parent))
    return terms


def _is_word(char: str) -> bool:
    """An ASCII letter or digit: names must not start or end inside such a run ("L2" in "L21")."""
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class VocabularyMatch:
    """A vocabulary term found in a text."""

    term: Term
    text: str
    start: int
    end: int


@dataclass
class Vocabulary:
    """Codes, names and aliases of the plant, matched case-insensitively, longest name first."""

    terms: list[Term] = field(default_factory=list)
    min_name_length: int = 2

    def __post_init__(self) -> None:
        self._by_name: dict[str, Term] = {}
        # A name several things share ("Spindle vibration (RMS)" of every CNC) identifies none of them.
        owners: dict[str, set[tuple[str, str]]] = {}
        for term in self.terms:
            for name in term.names:
                owners.setdefault(name.casefold(), set()).add((term.kind, term.code))
        codes = {term.code.casefold() for term in self.terms}
        ambiguous = {name for name, found in owners.items() if len(found) > 1 and name not in codes}
        for term in self.terms:
            for name in (term.code, *term.names):
                key = name.casefold()
                if key in ambiguous:
                    continue
                # One-letter names (shift "A") would fire on ordinary words ("a", "A班" is a time expression).
                if len(name) < self.min_name_length:
                    continue
                # The first term keeps a shared name: callers list the more specific kinds first.
                self._by_name.setdefault(key, term)
        # Matching looks names up by length at each position: a dict probe per (position, length) is
        # far cheaper than one regex alternation of thousands of names.
        self._lengths = sorted({len(name) for name in self._by_name}, reverse=True)

    def __len__(self) -> int:
        return len(self.terms)

    def kinds(self) -> set[EntityKind]:
        """The kinds of things this vocabulary knows."""
        return {term.kind for term in self.terms}

    def of_kind(self, kind: EntityKind, parent: str | None = None) -> list[Term]:
        """Every term of `kind` (belonging to `parent` when given), in the plant's order."""
        return [term for term in self.terms if term.kind == kind and (parent is None or term.parent == parent)]

    def lookup(self, name: str) -> Term | None:
        """The term called exactly `name` (code, name or alias; case-insensitive)."""
        return self._by_name.get(name.strip().casefold())

    def find(self, text: str) -> list[VocabularyMatch]:
        """Every non-overlapping mention of a known term in `text`, leftmost-longest."""
        folded = text.casefold()
        if len(folded) != len(text):
            # A few characters change length when case-folded (ß -> ss); fall back to lower-casing.
            folded = text.lower() if len(text.lower()) == len(text) else text
        matches: list[VocabularyMatch] = []
        position = 0
        while position < len(text):
            found = self._match_at(text, folded, position)
            if found is None:
                position += 1
                continue
            matches.append(found)
            position = found.end
        return matches

    def _match_at(self, text: str, folded: str, start: int) -> VocabularyMatch | None:
        if start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
            return None
        for length in self._lengths:
            end = start + length
            if end > len(text):
                continue
            term = self._by_name.get(folded[start:end])
            # ASCII names need boundaries so "L2" does not match inside "L21" and "A" not inside "day".
            if term is not None and not (end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])):
                return VocabularyMatch(term=term, text=text[start:end], start=start, end=end)
        return None

    def merged(self, other: Vocabulary) -> Vocabulary:
        """A vocabulary with this one's terms first, then `other`'s."""
        return Vocabulary(terms=[*self.terms, *other.terms], min_name_length=self.min_name_length)
