"""Word tables of the time grammar (English and Chinese): month and weekday names, numerals, units.

Plain data, shared by the grammar (`time_grammar`) and the free-text scanner (`time_scan`), so both
read exactly the same words.
"""

from __future__ import annotations

import re

__all__ = [
    "CN_NUMERAL",
    "COUNT_WORDS",
    "MONTHS_EN",
    "MONTH_NAMES",
    "WEEKDAYS_EN",
    "WEEKDAYS_ZH",
    "WEEKDAY_NAMES_EN",
    "WEEKDAY_NAMES_ZH",
    "normalize_expression",
    "number",
    "words_pattern",
]

#: How periods are named back to people (never taken from the locale).
MONTH_NAMES: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July", "August")
MONTH_NAMES += ("September", "October", "November", "December")
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_NAMES_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

MONTHS_EN: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sept", "sep"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS_EN[_name] = _index

WEEKDAYS_EN: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon"),
        ("tuesday", "tues", "tue"),
        ("wednesday", "wed"),
        ("thursday", "thurs", "thur", "thu"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    )
):
    for _name in _names:
        WEEKDAYS_EN[_name] = _index

#: The character after 周 / 星期 / 礼拜: 周一 .. 周日 (周天, 星期天 and 礼拜天 are Sunday too).
WEEKDAYS_ZH: dict[str, int] = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

#: English counts written as words ("the last two weeks", "a couple of days ago").
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_TEENS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
COUNT_WORDS: dict[str, int] = {word: value for value, word in enumerate(_ONES + _TEENS)}
COUNT_WORDS |= {word: 10 * tens for tens, word in enumerate(_TENS, start=2)}
COUNT_WORDS |= {"a hundred": 100, "one hundred": 100, "a": 1, "an": 1, "a couple of": 2, "couple of": 2}

_CN_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))

#: A count or day number in Arabic digits or Chinese numerals (up to 99: 十, 十二, 二十四, 三十一).
CN_NUMERAL = r"(?:\d{1,3}|[零〇一二两三四五六七八九十]{1,3})"


def number(text: str) -> int | None:
    """The value of digits, an English count word or a Chinese numeral below 100; None when it is none."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text in COUNT_WORDS:
        return COUNT_WORDS[text]
    if not text or any(char not in _CN_DIGITS and char != "十" for char in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def words_pattern(words: object) -> str:
    """A regex alternation of `words` (an iterable of strings), longest first so prefixes never win."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


# Full-width ASCII (Ｑ３, １１月) and the ideographic space become their ASCII forms, one character for one.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_TRAILING = "?？。.!！,，;；:： "
_LEADING = re.compile(r"^(?:(?:in|during|over|for|within|on|at|of)\s+)?(?:the\s+)?(?=\S)")
_LEADING_KEEP = re.compile(r"^(?:the\s+)?(?:day|week|month|quarter|year|first|second|third|fourth|1st|2nd|3rd|4th)\b")


def normalize_expression(expression: str) -> str:
    """Lower-case, one space between words, full-width characters made ASCII, fillers around it dropped.

    "  Over the past 7 days? " -> "past 7 days"; "the day before yesterday" keeps its "the"; "去年的" -> "去年".
    """
    text = " ".join(expression.translate(_WIDTH).lower().replace("’", "'").split())
    text = text.rstrip(_TRAILING)
    if not _LEADING_KEEP.match(text):
        text = _LEADING.sub("", text, count=1)
    if text.endswith("的"):
        text = text[:-1]
    return text.strip()
