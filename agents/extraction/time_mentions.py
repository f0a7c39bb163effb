"""Time expressions inside free text, in English and Chinese.

Extraction only finds the expression and passes its text on ("yesterday", "这个季度", "Nov 14 night
shift", "11月1日到11月7日"): the tools resolve it against the plant clock, so a period means the same
thing whichever model asked. The scanning and the grammar are the tools' resolver's own
(`tools.resolvers.scan_time_text`), so every mention found is one `resolve_period` reads; the filler
words around it ("over the", "in") are left out.

A request can also hold time words no readable expression covers ("fortnight", "Q7", "上上上季度",
"最近几天", "Nov 31", "下周三"): `find_unread_time_words` reports them, so the caller asks back instead of
answering for a default period.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.resolvers import FoundTime, scan_time_text

__all__ = ["TimeMention", "find_time_mentions", "find_unread_time_words"]


@dataclass(frozen=True)
class TimeMention:
    """A time expression found in a text: the expression to pass on and where it was found."""

    text: str
    start: int
    end: int


def _mentions(found: list[FoundTime]) -> list[TimeMention]:
    return [TimeMention(text=item.text, start=item.start, end=item.end) for item in found]


def find_time_mentions(text: str) -> list[TimeMention]:
    """Readable time expressions in `text`, longest first where they overlap, in order of appearance."""
    return _mentions(scan_time_text(text).readable)


def find_unread_time_words(text: str) -> list[TimeMention]:
    """Time words in `text` that no readable expression covers, in order: the caller should ask back."""
    return _mentions(scan_time_text(text).unread)
