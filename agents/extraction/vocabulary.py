"""The plant's vocabulary: the codes, names and aliases operators use for lines, machines, materials...

A `Vocabulary` is plain data built by the caller (from the plant database with
`vocabulary_from_session`, or from rows shaped like the demo catalog) and matched against free
text in one compiled pattern, so extraction costs microseconds per request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EntityKind", "GroupMatch", "Term", "Vocabulary", "terms_from_rows"]

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


def _leading_parts(name: str) -> list[str]:
    """The shorter names a name is called by: its first words ("Hengtai Water", "Hengtai"; a first word of at
    least four letters), or for a Chinese name its first characters (at least two, not the whole name)."""
    if name.isascii():
        words = name.split()
        parts = [" ".join(words[:count]) for count in range(2, len(words))]
        if len(words) > 1 and len(words[0]) >= 4 and words[0][0].isalpha():
            parts.append(words[0])
        return parts
    compact = name.strip()
    return [compact[:length] for length in range(2, len(compact))] if len(compact) > 2 else []


@dataclass(frozen=True)
class GroupMatch:
    """A name that stands for several things of one kind, found in a text."""

    terms: tuple[Term, ...]
    text: str
    start: int
    end: int


_NUMBERED = re.compile(r"^\s*(?:\d+\s*号|no\.?\s*\d+\s+|#\s*\d+\s+)|\s*(?:no\.?\s*|#)?\d+\s*$", re.IGNORECASE)


def _numbered_groups(terms: list[Term], names: set[str]) -> dict[str, tuple[Term, ...]]:
    """Numbered names without their number ("Parts washer 1" -> "parts washer") that several things of one kind
    share and that name nothing on their own."""
    groups: dict[str, dict[tuple[str, str], Term]] = {}
    for term in terms:
        for name in term.names:
            base = " ".join(_NUMBERED.sub("", name).split()).casefold()
            # "VB-25" without its number is "VB-", a code's stem, not a name.
            long_enough = len(base) >= (3 if base.isascii() else 2)
            if long_enough and base[-1].isalnum() and base != name.casefold() and base not in names:
                groups.setdefault(base, {})[(term.kind, term.code)] = term
    return {
        name: tuple(found.values())
        for name, found in groups.items()
        if len(found) > 1 and len({kind for kind, _ in found}) == 1
    }


@dataclass
class Vocabulary:
    """Codes, names and aliases of the plant, matched case-insensitively, longest name first."""

    terms: list[Term] = field(default_factory=list)
    min_name_length: int = 2
    short_name_kinds: frozenset[str] = frozenset({"customer", "supplier"})
    """Kinds whose names people shorten ("Hengtai Water" for "Hengtai Water Systems", "太平洋流体" for
    "太平洋流体控制"): the leading part of such a name also names it, where nothing else shares it."""

    def __post_init__(self) -> None:
        self._by_name: dict[str, Term] = {}
        # A name several things share ("Spindle vibration (RMS)" of every CNC) identifies none of them.
        owners: dict[str, set[tuple[str, str]]] = {}
        for term in self.terms:
            for name in term.names:
                owners.setdefault(name.casefold(), set()).add((term.kind, term.code))
        full_names = set(owners)
        shortened: dict[str, set[tuple[str, str]]] = {}
        for term in self.terms:
            if term.kind in self.short_name_kinds:
                for name in term.names:
                    for short in _leading_parts(name):
                        shortened.setdefault(short.casefold(), set()).add((term.kind, term.code))
        short_terms: dict[str, tuple[str, str]] = {
            name: next(iter(found)) for name, found in shortened.items() if len(found) == 1 and name not in full_names
        }
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
        by_code = {(term.kind, term.code): term for term in self.terms}
        for name, owner in short_terms.items():
            if len(name) >= self.min_name_length:
                self._by_name.setdefault(name, by_code[owner])
        # Matching looks names up by length at each position: a dict probe per (position, length) is
        # far cheaper than one regex alternation of thousands of names.
        self._lengths = sorted({len(name) for name in self._by_name}, reverse=True)
        self._groups = _numbered_groups(self.terms, set(self._by_name))

    def __len__(self) -> int:
        return len(self.terms)

    def kinds(self) -> set[EntityKind]:
        """The kinds of things this vocabulary knows."""
        return {term.kind for term in self.terms}

    def of_kind(self, kind: EntityKind, parent: str | None = None) -> list[Term]:
        """Every term of `kind` (belonging to `parent` when given), in the plant's order."""
        return [term for term in self.terms if term.kind == kind and (parent is None or term.parent == parent)]

    def find_groups(self, text: str) -> list[GroupMatch]:
        """Names that stand for several things ("清洗机" for 1号清洗机 and 2号清洗机, "washer" for Washer 1 and 2):
        the names of numbered things without their number, leftmost-longest, each span once."""
        folded = text.casefold() if len(text.casefold()) == len(text) else text.lower()
        found: list[GroupMatch] = []
        taken = [False] * len(text)
        for name in sorted(self._groups, key=len, reverse=True):
            start = folded.find(name)
            while start >= 0:
                end = start + len(name)
                bounded = not (
                    name.isascii()
                    and ((start > 0 and _is_word(text[start - 1])) or (end < len(text) and _is_word(text[end])))
                )
                if bounded and not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    found.append(GroupMatch(self._groups[name], text[start:end], start, end))
                start = folded.find(name, end)
        return sorted(found, key=lambda match: match.start)

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
