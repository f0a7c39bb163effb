"""The time grammar: English and Chinese words -> a `TimeNode`, without looking at any clock.

Table-driven: fixed words ("last quarter", "上上周") map straight to nodes; patterns built from the word
tables (month and weekday names, numerals) cover dates, months, quarters, halves, weekdays and rolling
windows; ranges ("Nov 1-7", "11月1日到7日", "上周一到周三") and "since ..." forms combine two of those.
Anything else is unreadable (None): the caller asks back rather than guessing another period.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from functools import lru_cache

from tools.resolvers.time_nodes import (
    DayOf,
    Future,
    HalfOf,
    IsoWeek,
    MonthOf,
    QuarterOf,
    Range,
    Relative,
    Rolling,
    RollingUnit,
    Since,
    TimeNode,
    Unit,
    Weekday,
    Weekend,
    YearOf,
    YearRef,
)
from tools.resolvers.time_words import (
    CN_NUMERAL,
    COUNT_WORDS,
    MONTHS_EN,
    WEEKDAYS_EN,
    WEEKDAYS_ZH,
    normalize_expression,
    number,
    words_pattern,
)

__all__ = ["parse_time_expression"]

_FIXED: dict[str, TimeNode] = {}


def _words(node: TimeNode, *names: str) -> None:
    for name in names:
        _FIXED[name] = node


_words(Relative("day", 0), "today", "今天", "今日", "当天", "本日", "今儿", "today so far", "so far today")
_words(Relative("day", -1), "yesterday", "昨天", "昨日", "昨儿")
_words(Relative("day", -2), "the day before yesterday", "day before yesterday", "前天", "前日", "前儿")
_words(Relative("day", -3), "大前天")
_words(Relative("week", 0), "this week", "current week", "本周", "这周", "这一周", "这星期", "本星期", "这个星期")
_words(Relative("week", 0), "这礼拜", "这个礼拜", "本礼拜")
_words(Relative("week", -1), "last week", "previous week", "prior week", "上周", "上一周", "上个周", "上星期")
_words(Relative("week", -1), "上个星期", "上一个星期", "上礼拜", "上个礼拜")
_words(Relative("week", -2), "the week before last", "week before last", "上上周", "上上星期", "上上个星期")
_words(Relative("week", -2), "上上礼拜", "上上个礼拜")
_words(Relative("month", 0), "this month", "current month", "本月", "这个月", "这月", "当月", "本月份", "这一个月")
_words(Relative("month", -1), "last month", "previous month", "prior month", "上个月", "上月", "上一个月", "上一月")
_words(Relative("month", -2), "the month before last", "month before last", "上上个月", "上上月")
_words(Relative("quarter", 0), "this quarter", "current quarter", "本季度", "这个季度", "这季度", "这一季度", "本季")
_words(Relative("quarter", 0), "当季", "当前季度", "本季度内")
_words(Relative("quarter", -1), "last quarter", "previous quarter", "prior quarter", "上季度", "上个季度", "上一季度")
_words(Relative("quarter", -1), "上一个季度", "上季", "上一季")
_words(Relative("quarter", -2), "the quarter before last", "quarter before last", "上上季度", "上上个季度", "上上季")
_words(Relative("year", 0), "this year", "current year", "今年", "本年", "本年度", "今年度")
_words(Relative("year", -1), "last year", "previous year", "prior year", "去年", "上一年", "上年", "去年度", "上年度")
_words(Relative("year", -2), "the year before last", "year before last", "前年")
_TO_DATE_UNITS: tuple[Unit, ...] = ("week", "month", "quarter", "year")
for _unit in _TO_DATE_UNITS:
    _words(Relative(_unit, 0), f"{_unit} to date", f"{_unit}-to-date", f"so far this {_unit}", f"this {_unit} so far")
    _words(Relative(_unit, 0), f"this {_unit} to date", f"{_unit[0]}td")
_words(Relative("year", 0), "年初至今", "年初以来", "年初到现在", "今年迄今")
_words(Relative("month", 0), "月初至今", "月初以来", "月初到现在")
_words(Relative("quarter", 0), "季初至今", "季初以来")
_words(Rolling(6, "month"), "近半年", "最近半年", "过去半年", "past half year", "the past half year")
_words(Weekend(None), "weekend", "the weekend", "周末")
_words(Weekend(0), "this weekend", "本周末", "这周末", "这个周末")
_words(Weekend(-1), "last weekend", "previous weekend", "上周末", "上个周末")
_words(Weekend(-2), "the weekend before last", "上上周末", "上上个周末")
_FUTURE: dict[TimeNode, tuple[str, ...]] = {
    Relative("day", 1): ("tomorrow", "明天", "明日", "明儿"),
    Relative("day", 2): ("the day after tomorrow", "day after tomorrow", "后天"),
    Relative("week", 1): ("next week", "下周", "下一周", "下个周", "下星期", "下个星期", "下礼拜", "下个礼拜"),
    Relative("month", 1): ("next month", "下个月", "下月"),
    Relative("quarter", 1): ("next quarter", "下季度", "下个季度", "下一季度"),
    Relative("year", 1): ("next year", "明年", "下一年"),
    Weekend(1): ("next weekend", "下周末"),
}
for _period, _future_words in _FUTURE.items():
    for _future_word in _future_words:
        _FIXED[_future_word] = Future(_future_word, _period)

#: Where a "since" form may start without naming a period of its own ("年初以来": since the start of the year).
_SINCE_ANCHORS: dict[str, TimeNode] = {"年初": Relative("year", 0), "月初": Relative("month", 0)}
_SINCE_ANCHORS |= {"季初": Relative("quarter", 0), "周初": Relative("week", 0)}

_MON = rf"(?P<mon>{words_pattern(MONTHS_EN)})\.?"
_WD = rf"(?P<wd>{words_pattern(WEEKDAYS_EN)})\.?"
_COUNT = rf"(?P<n>\d+|{words_pattern(COUNT_WORDS)})"
_CNN = CN_NUMERAL
_EN_YEAR = (
    r"(?:(?:,?\s+|,)(?:of\s+)?(?P<y>\d{4})|\s+(?:of\s+)?(?P<yr>this|current|last|previous|prior)\s+year"
    r"|\s+(?:of\s+)?(?P<yb>(?:the\s+)?year\s+before\s+last))?"
)
_ZH_YEAR = r"(?:(?P<y>\d{4})\s*年|(?P<yz>今年|本年|去年|上一年|上年|前年))?"
_ZH_YEARS = {"今年": 0, "本年": 0, "去年": -1, "上一年": -1, "上年": -1, "前年": -2}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ORDINALS |= {"一": 1, "二": 2, "三": 3, "四": 4, "上": 1, "下": 2}
_WEEKS_ZH = {"上上": -2, "上": -1, "本": 0, "这": 0}
_UNITS: dict[str, RollingUnit] = {"小时": "hour", "钟头": "hour", "天": "day", "日": "day", "周": "week"}
_UNITS |= {"星期": "week", "礼拜": "week", "月": "month", "季度": "quarter", "年": "year"}

_Groups = dict[str, str]
_Rule = tuple[re.Pattern[str], Callable[[_Groups], TimeNode | None]]


#: Years the grammar reads as years; "0000" or "9999" is no plant's period.
_YEARS = range(1900, 2200)


def _year(groups: _Groups) -> YearRef | None:
    if groups.get("y"):
        return YearRef(int(groups["y"]))
    if groups.get("yr"):
        return YearRef(0 if groups["yr"] in ("this", "current") else -1, relative=True)
    if groups.get("yb"):
        return YearRef(-2, relative=True)
    if groups.get("yz"):
        return YearRef(_ZH_YEARS[groups["yz"]], relative=True)
    return None


def _month(groups: _Groups) -> int | None:
    if groups.get("mon"):
        return MONTHS_EN[groups["mon"]]
    value = number(groups.get("m") or "")
    return value if value is not None and 1 <= value <= 12 else None


def _day_of(groups: _Groups) -> DayOf | None:
    day, month, year = number(groups.get("d") or ""), _month(groups), _year(groups)
    if day is None or day < 1 or (("mon" in groups or "m" in groups) and month is None):
        return None
    # Checked without a clock: a year-less 29 February exists (in leap years), 31 November never does.
    leap_safe = year.value if year is not None and not year.relative else 2000
    longest = 31 if month is None else calendar.monthrange(leap_safe, month)[1]
    return DayOf(day, month, year) if day <= longest else None


def _month_of(groups: _Groups) -> MonthOf | None:
    month = _month(groups)
    return MonthOf(month, _year(groups)) if month else None


def _us_date(groups: _Groups) -> DayOf | None:
    first, second = int(groups["a"]), int(groups["b"])
    # Month first (US: "11/14"); a first number above 12 can only be a day ("14/11").
    if first > 12 >= second:
        first, second = second, first
    return _day_of({"m": str(first), "d": str(second), "y": groups.get("y") or ""})


def _ordinal(groups: _Groups, key: str, top: int) -> int | None:
    value = _ORDINALS.get(groups[key]) or number(groups[key])
    return value if value is not None and 1 <= value <= top else None


def _quarter(groups: _Groups) -> QuarterOf | None:
    quarter = _ordinal(groups, "q", 4)
    return QuarterOf(quarter, _year(groups)) if quarter else None


def _half(groups: _Groups) -> HalfOf | None:
    half = _ordinal(groups, "h", 2)
    return HalfOf(half, _year(groups)) if half else None


def _iso_week(groups: _Groups) -> IsoWeek | None:
    week = int(groups["w"])
    return IsoWeek(week, _year(groups)) if 1 <= week <= 53 else None


def _weekday_en(groups: _Groups) -> Weekday:
    week = {"this": 0, "last": -1, "previous": -1}.get(groups.get("wk") or "")
    if groups.get("wb"):
        week = -2
    return Weekday(WEEKDAYS_EN[groups["wd"]], week, before_today=bool(groups.get("last")))


def _weekday_zh(groups: _Groups) -> TimeNode:
    prefix = groups.get("wk") or ""
    if prefix == "下":
        return Future(f"下周{groups['wd']}", Weekday(WEEKDAYS_ZH[groups["wd"]], 1))
    return Weekday(WEEKDAYS_ZH[groups["wd"]], _WEEKS_ZH.get(prefix))


def _days_ago(groups: _Groups) -> Relative | None:
    count = number(groups["n"])
    return Relative("day", -count) if count is not None and count <= 3660 else None


def _rolling(groups: _Groups) -> Rolling | None:
    count = number(groups.get("n") or "1")
    unit = groups["u"]
    if count is None:
        return None
    if unit in _UNITS:
        return Rolling(count, _UNITS[unit])
    base = unit.rstrip("s")
    key: RollingUnit = "hour" if base in ("h", "hr", "hour") else base  # type: ignore[assignment]
    return Rolling(count, key)


def _future(groups: _Groups) -> Future:
    return Future(groups["all"])


def _rules() -> tuple[_Rule, ...]:
    rolling_en = r"(?P<u>hours?|hrs?|h|days?|weeks?|months?|quarters?|years?)"
    rolling_zh = r"(?P<u>小时|钟头|天|日|周|星期|礼拜|月|季度|年)"
    table: list[tuple[str, Callable[[_Groups], TimeNode | None]]] = [
        (r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})", _day_of),
        (r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})", _month_of),
        (r"(?P<y>\d{4})-?w(?P<w>\d{1,2})", _iso_week),
        (r"(?:iso\s+)?(?:week|wk|cw)\s*(?P<w>\d{1,2})(?:,?\s*(?:of\s+)?(?P<y>\d{4}))?", _iso_week),
        (r"(?:(?P<y>\d{4})\s*年)?第\s*(?P<w>\d{1,2})\s*周", _iso_week),
        (r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}))?", _us_date),
        (rf"{_MON}\s*(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_EN_YEAR}", _day_of),
        (rf"(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MON}{_EN_YEAR}", _day_of),
        (rf"(?:the\s+)?(?:month\s+of\s+)?{_MON}{_EN_YEAR}", _month_of),
        (r"(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)", _day_of),
        (rf"q(?P<q>[1-4]){_EN_YEAR}", _quarter),
        (r"(?P<y>\d{4})\s*-?\s*q(?P<q>[1-4])", _quarter),
        (rf"(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter{_EN_YEAR}", _quarter),
        (rf"h(?P<h>[12]){_EN_YEAR}", _half),
        (r"(?P<y>\d{4})\s*-?\s*h(?P<h>[12])", _half),
        (rf"(?:the\s+)?(?P<h>first|second|1st|2nd)\s+half(?:\s+of\s+the\s+year)?{_EN_YEAR}", _half),
        (r"(?:the\s+)?(?:year\s+)?(?P<y>\d{4})", lambda g: YearOf(YearRef(int(g["y"])))),
        (rf"(?:this\s+)?{_WD}", _weekday_en),
        (rf"(?P<last>last)\s+{_WD}", _weekday_en),
        (rf"{_WD}\s+(?:of\s+)?(?P<wk>this|last|previous)\s+week", _weekday_en),
        (rf"(?P<wk>this|last|previous)\s+week(?:'s)?\s+{_WD}", _weekday_en),
        (rf"{_WD}\s+(?:of\s+)?(?P<wb>the\s+week\s+before\s+last)", _weekday_en),
        (rf"{_COUNT}\s+days?\s+ago", _days_ago),
        (rf"(?:the\s+)?(?:past|last|previous|prior|trailing)\s+(?:{_COUNT}\s*)?{rolling_en}", _rolling),
        (rf"(?P<all>(?:the\s+)?(?:next|coming|following)\s+(?:{_COUNT}\s*)?{rolling_en})", _future),
        (rf"(?P<all>next\s+{_WD})", _future),
        (rf"{_ZH_YEAR}(?P<m>{_CNN})\s*月\s*(?P<d>{_CNN})\s*[日号]", _day_of),
        (rf"(?P<d>{_CNN})\s*[日号]", _day_of),
        (rf"{_ZH_YEAR}(?P<m>{_CNN})\s*月份?", _month_of),
        (rf"{_ZH_YEAR}第\s*(?P<q>[一二三四1-4])\s*季度?", _quarter),
        (rf"{_ZH_YEAR}(?P<q>[一二三四1-4])\s*季度", _quarter),
        (rf"{_ZH_YEAR}\s*q(?P<q>[1-4])(?:季度)?", _quarter),
        (rf"{_ZH_YEAR}(?P<h>上|下)半年", _half),
        (rf"{_ZH_YEAR}\s*h(?P<h>[12])", _half),
        (r"(?P<y>\d{4})\s*年度?", lambda g: YearOf(YearRef(int(g["y"])))),
        (r"(?:(?P<wk>上上|上|本|这|下)(?:一?个)?)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])", _weekday_zh),
        (rf"(?P<n>{_CNN})\s*天(?:以|之)?前", _days_ago),
        (rf"(?:最近|过去的?|近|前)\s*(?P<n>\d+|{_CNN})\s*(?:个)?\s*{rolling_zh}", _rolling),
        (rf"(?P<all>(?:未来|接下来的?|之后的?)\s*{_CNN}\s*(?:个)?\s*{rolling_zh})", _future),
    ]
    return tuple((re.compile(pattern), build) for pattern, build in table)


_RULES = _rules()


def _single(text: str) -> TimeNode | None:
    fixed = _FIXED.get(text)
    if fixed is not None:
        return fixed
    for pattern, build in _RULES:
        match = pattern.fullmatch(text)
        if match:
            groups = {key: value for key, value in match.groupdict().items() if value is not None}
            if "y" in groups and int(groups["y"]) not in _YEARS:
                return None
            return build(groups)
    return None


# A range side: a point in the calendar (not "last week", "past 7 days" or another range).
_POINTS = (DayOf, MonthOf, QuarterOf, HalfOf, YearOf, IsoWeek, Weekday)
_BARE_DAY = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?")
_RANGE_PREFIX = re.compile(r"^(?:(?P<between>between)\s+|from\s+|从|自)")
_CONNECTOR = re.compile(r"\s+(?:to|through|thru|until|till)\s+|\s*(?:\.\.|-|–|—|~|到|至|一直到)\s*")
_AND = re.compile(r"\s+and\s+")


def _side(text: str) -> TimeNode | int | None:
    node = _single(text)
    if node is None and (match := _BARE_DAY.fullmatch(text)):
        return int(match["d"])
    if isinstance(node, _POINTS) or node == Relative("day", 0) or node == Relative("day", -1):
        return node
    return None


def _join(first: TimeNode | int, last: TimeNode | int) -> Range | None:
    """A range from two sides; a bare day number takes its month from the other side ("Nov 1-7", "1-7 Nov")."""
    if isinstance(first, int) and isinstance(last, DayOf) and last.month is not None:
        first = DayOf(first, last.month, last.year)
    if isinstance(last, int) and isinstance(first, DayOf) and first.month is not None:
        last = DayOf(last, None)
    if isinstance(first, int) or isinstance(last, int):
        return None
    if isinstance(first, Weekday) and isinstance(last, Weekday) and first.week is None and last.week is not None:
        first = Weekday(first.weekday, last.week)  # "Monday to Wednesday last week"
    if (isinstance(first, DayOf) and not 1 <= first.day <= 31) or (isinstance(last, DayOf) and not 1 <= last.day <= 31):
        return None
    return Range(first, last)


def _range(text: str) -> Range | None:
    prefix = _RANGE_PREFIX.match(text)
    body = text[prefix.end() :] if prefix else text
    body = body.removesuffix("为止").removesuffix("止").strip()
    connector = _AND if prefix and prefix["between"] else _CONNECTOR
    for match in connector.finditer(body):
        left, right = body[: match.start()].strip(), body[match.end() :].strip()
        if not left or not right:
            continue
        first, last = _side(left), _side(right)
        if first is not None and last is not None and (joined := _join(first, last)) is not None:
            return joined
    return None


_SINCE = (
    re.compile(r"(?:since|from)\s+(?P<x>.+?)(?:\s+(?:on|onwards?|until\s+now|till\s+now|to\s+date|up\s+to\s+now))?"),
    re.compile(r"(?P<x>.+?)\s+(?:onwards?|until\s+now|till\s+now|to\s+date|up\s+to\s+now)"),
    re.compile(r"(?:自|从)?(?P<x>.+?)(?:以来|至今|到现在|到目前为止|迄今|起|开始|以后)"),
    re.compile(r"(?:自|从)(?P<x>.+)"),
)


def _since(text: str) -> TimeNode | None:
    for pattern in _SINCE:
        match = pattern.fullmatch(text)
        if not match:
            continue
        start = _SINCE_ANCHORS.get(match["x"]) or _single(match["x"])
        if isinstance(start, Relative) and start.offset == 0:
            return start  # "今年以来" is this year to date
        if start is not None and not isinstance(start, Rolling | Future | Since | Range):
            return Since(start)
    return None


@lru_cache(maxsize=4096)
def parse_time_expression(expression: str) -> TimeNode | None:
    """The meaning of a time expression (en / zh), or None when it is not one the grammar reads."""
    text = normalize_expression(expression)
    if not text:
        return None
    return _single(text) or _range(text) or _since(text)
