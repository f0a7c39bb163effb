"""Grounding check: every figure in an answer must come from a tool result of the same turn.

A figure is grounded when a number in the tool results rounds to it at the precision the answer
shows (85.27 -> "85.3"), also as a percentage of a ratio (0.853 -> "85.3%"). A rounded figure must
keep at least two significant digits: "1" is not accepted as a rounding of 0.853. Dates and clock
times are compared as dates and times, never as loose numbers, so the "21" of a date in a result
cannot ground an invented "21 stops". Identifiers are not figures: "line 2", "2号线", "CNC-03",
"E-217", "PO-250113", "ISO 22400", list markers ("1. ...") and ordinals ("第3步").
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

__all__ = ["GroundingFacts", "collect_facts", "find_ungrounded_numbers"]

_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAME = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)

# Order matters: the longest forms first, so "2026-11-21T08:00" is one date-time and not three numbers.
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2}(?:\.\d+)?)?)?"
    ),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?"),
    re.compile(r"(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]"),
    re.compile(_MONTH_NAME + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?(?!\d)", re.IGNORECASE),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_NAME + r"(?:,?\s+(?P<y>\d{4}))?", re.IGNORECASE),
)
_TIME = re.compile(r"(?<![\d:])(?P<H>\d{1,2}):(?P<M>\d{2})(?::\d{2})?(?![\d:])")
_NUMBER = re.compile(r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_PERCENT_AFTER = re.compile(r"\s*(?:%|％|percent\b|pct\b|pp\b|percentage points?|个百分点)", re.IGNORECASE)
# Words after which a number names something instead of measuring it.
_IDENTIFIER_BEFORE = re.compile(
    r"(?:\b(?:line|shift|station|cell|machine|area|site|plant|rule|iso|iec|step|section|page|chapter|no\.?|nr\.?|"
    r"version|rev\.?|table|figure|fig\.?|level|tier|grade)\s*|第\s*|#\s*|线\s*)$",
    re.IGNORECASE,
)
_IDENTIFIER_AFTER = re.compile(
    r"^(?:\s*(?:号|线|班|车间|工位|楼|级|σ|sigma\b)|(?:st|nd|rd|th)\b|[A-Za-z]*-\d)", re.IGNORECASE
)
# Units written without a space after the figure ("12h", "5pcs"): the figure is still a figure.
_UNITS_GLUED = re.compile(
    r"^(?:%|h|hr|hrs|min|mins|s|ms|mm|um|µm|cm|m|kg|g|t|pcs|pc|x|k|°c|c|kw|kwh|bar|mpa|hz|rpm|v|a)\b", re.IGNORECASE
)
# Characters either side of a figure that decide whether it is an identifier (the longest word above and more).
_CONTEXT = 48
_LIST_MARKER_AFTER = re.compile(r"^[.)、]\s")


@dataclass
class GroundingFacts:
    """What the tool results of a turn can back: numbers, calendar dates, month-days and clock times."""

    numbers: list[Decimal] = field(default_factory=list)
    dates: set[date] = field(default_factory=set)
    month_days: set[tuple[int, int]] = field(default_factory=set)
    times: set[tuple[int, int]] = field(default_factory=set)

    def add_date(self, day: date) -> None:
        self.dates.add(day)
        self.month_days.add((day.month, day.day))

    def add_datetime(self, moment: datetime) -> None:
        self.add_date(moment.date())
        self.times.add((moment.hour, moment.minute))
        # Periods are half-open [start, end): an answer may name the last day included.
        if moment.time() == time(0, 0):
            self.add_date(date.fromordinal(moment.date().toordinal() - 1))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_of(match: re.Match[str]) -> int:
    mon = match.groupdict().get("mon")
    if mon:
        return _MONTHS[mon.lower().rstrip(".")]
    return int(match.group("m"))


def _scan_dates(text: str, facts: GroundingFacts | None) -> tuple[str, list[tuple[str, date | None, tuple[int, int]]]]:
    """Find dates and times in `text`; blank them out so their digits are not read as figures again."""
    found: list[tuple[str, date | None, tuple[int, int]]] = []
    chars = list(text)
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer("".join(chars)):
            groups = match.groupdict()
            month = _month_of(match)
            day_text = groups.get("d")
            year_text = groups.get("y")
            day = int(day_text) if day_text else 1
            year = int(year_text) if year_text else None
            full = _safe_date(year, month, day) if year is not None else None
            if year is None and _safe_date(2000, month, day) is None:
                continue
            if year is not None and full is None:
                continue
            found.append((match.group(0), full if day_text else None, (month, day)))
            if facts is not None:
                if full is not None and day_text:
                    facts.add_date(full)
                elif full is not None:
                    facts.month_days.add((month, 1))
                else:
                    facts.month_days.add((month, day))
                if groups.get("H") and full is not None:
                    facts.add_datetime(
                        datetime(full.year, full.month, full.day, int(groups["H"]) % 24, int(groups["M"]))
                    )
            chars[match.start() : match.end()] = " " * (match.end() - match.start())
    return "".join(chars), found


def _scan_times(text: str, facts: GroundingFacts | None) -> tuple[str, list[tuple[str, tuple[int, int]]]]:
    found: list[tuple[str, tuple[int, int]]] = []
    chars = list(text)
    for match in _TIME.finditer(text):
        hour, minute = int(match.group("H")), int(match.group("M"))
        if hour > 24 or minute > 59:
            continue
        found.append((match.group(0), (hour % 24, minute)))
        if facts is not None:
            facts.times.add((hour % 24, minute))
        chars[match.start() : match.end()] = " " * (match.end() - match.start())
    return "".join(chars), found


def _to_decimal(token: str) -> Decimal | None:
    try:
        return Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None


def _add_text(text: str, facts: GroundingFacts) -> None:
    rest, _ = _scan_dates(text, facts)
    rest, _ = _scan_times(rest, facts)
    for match in _NUMBER.finditer(rest):
        value = _to_decimal(match.group(0))
        if value is not None:
            facts.numbers.append(value)


def _add_value(value: Any, facts: GroundingFacts) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, BaseModel):
        _add_value(value.model_dump(mode="json"), facts)
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            return
        facts.numbers.append(Decimal(str(value)))
    elif isinstance(value, datetime):
        facts.add_datetime(value)
    elif isinstance(value, date):
        facts.add_date(value)
    elif isinstance(value, str):
        _add_text(value, facts)
    elif isinstance(value, Mapping):
        for item in value.values():
            _add_value(item, facts)
    elif isinstance(value, list | tuple):
        # "the top 3 reasons": the length of a listed result is a figure the answer may state.
        facts.numbers.append(Decimal(len(value)))
        for item in value:
            _add_value(item, facts)


def collect_facts(
    tool_results: Iterable[Mapping[str, Any] | BaseModel | str], also_allowed: Iterable[str] = ()
) -> GroundingFacts:
    """Gather every number, date and time the tool results (and any allowed texts) can back."""
    facts = GroundingFacts()
    for result in tool_results:
        if isinstance(result, str):
            try:
                parsed: Any = json.loads(result)
            except ValueError:
                parsed = result
            _add_value(parsed, facts)
        else:
            _add_value(result, facts)
    for text in also_allowed:
        _add_text(text, facts)
    return facts


def _decimals(token: str) -> int:
    _, _, fraction = token.partition(".")
    return len(fraction)


def _significant_digits(token: str) -> int:
    digits = token.replace(",", "").replace(".", "").lstrip("0")
    return len(digits)


def _rounds_to(source: Decimal, shown: Decimal, token: str) -> bool:
    places = _decimals(token)
    tolerance = Decimal(5) * Decimal(10) ** -(places + 1)
    if abs(abs(source) - shown) > tolerance * Decimal("1.000001"):
        return False
    if abs(source) == shown:
        return True
    # Rounding must keep at least two significant digits, else small ratios would back any small count.
    return _significant_digits(token) >= 2


def _is_grounded(token: str, is_percent: bool, facts: GroundingFacts) -> bool:
    shown = _to_decimal(token)
    if shown is None:
        return True
    for source in facts.numbers:
        if _rounds_to(source, shown, token):
            return True
        if is_percent and abs(source) <= 1 and _rounds_to(source * 100, shown, token):
            return True
    return False


def _at_line_start(text: str, start: int) -> bool:
    """Only white space, including a line break, between the line's (or text's) start and `start`."""
    first = start
    while first > 0 and text[first - 1].isspace():
        first -= 1
    return first == 0 or "\n" in text[first:start]


def _is_identifier(text: str, start: int, end: int) -> bool:
    # Only the neighbourhood of a figure decides; slicing the whole text made long answers quadratic.
    before, after = text[max(0, start - _CONTEXT) : start], text[end : end + _CONTEXT]
    # "L2", "CNC-03", "E-217", "PO-250113", "v2": part of a code. "1-3" is a range and "-5" a figure.
    if before and before[-1].isascii() and before[-1].isalpha():
        return True
    if before[-2:-1].isalpha() and before[-1:] in ("-", "_", "/"):
        return True
    if after[:1].isascii() and after[:1].isalpha() and not _UNITS_GLUED.match(after):
        return True
    if _IDENTIFIER_BEFORE.search(before) or _IDENTIFIER_AFTER.match(after):
        return True
    return _at_line_start(text, start) and bool(_LIST_MARKER_AFTER.match(after))


def find_ungrounded_numbers(
    answer: str,
    tool_results: Sequence[Mapping[str, Any] | BaseModel | str],
    *,
    also_allowed: Iterable[str] = (),
) -> list[str]:
    """Figures in `answer` that no tool result of the turn backs, as written in the answer, in order.

    `tool_results` are the results (mappings, models or their JSON / text) of the turn's tool calls;
    `also_allowed` are texts whose numbers may be repeated, typically the user's request ("above 80%?").
    """
    facts = collect_facts(tool_results, also_allowed)
    ungrounded: list[str] = []

    rest, dates = _scan_dates(answer, None)
    for token, full, month_day in dates:
        grounded = full in facts.dates if full is not None else month_day in facts.month_days
        if not grounded and token not in ungrounded:
            ungrounded.append(token)
    rest, times = _scan_times(rest, None)
    for token, clock in times:
        if clock not in facts.times and token not in ungrounded:
            ungrounded.append(token)

    for match in _NUMBER.finditer(rest):
        token = match.group(0)
        if _is_identifier(rest, match.start(), match.end()):
            continue
        is_percent = bool(_PERCENT_AFTER.match(rest, match.end())) or rest.endswith("百分之", 0, match.start())
        if not _is_grounded(token, is_percent, facts) and token not in ungrounded:
            ungrounded.append(token)
    return ungrounded
