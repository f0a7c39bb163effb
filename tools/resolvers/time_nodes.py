"""What a time expression means, as plain data, and its evaluation against the plant clock.

The grammar (`time_grammar`) turns words into one of these nodes without looking at any clock; `evaluate`
turns a node into [start, end) against `now`, with its canonical name in English and Chinese. Calendar
rules: days start at midnight, weeks on Monday, quarters in January, April, July and October. A date
without a year means the latest such date that has begun ("Dec 3" said in November means last December);
a day without a month ("14号") the latest 14th. Periods that run past `now` end at `now`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal, TypeAlias

from tools.errors import InvalidArgumentsError
from tools.resolvers.time_words import MONTH_NAMES, WEEKDAY_NAMES_EN, WEEKDAY_NAMES_ZH

__all__ = [
    "DayOf",
    "Future",
    "HalfOf",
    "IsoWeek",
    "MonthOf",
    "QuarterOf",
    "Range",
    "Read",
    "Relative",
    "Rolling",
    "Since",
    "TimeNode",
    "Weekday",
    "Weekend",
    "YearOf",
    "YearRef",
    "bad_period",
    "evaluate",
    "future_error",
    "names_of",
    "raw_span",
]

Unit = Literal["day", "week", "month", "quarter", "year"]
RollingUnit = Literal["hour", "day", "week", "month", "quarter", "year"]
Kind = Literal["day", "week", "month", "quarter", "half", "year", "range", "since", "rolling", "shift"]


@dataclass(frozen=True)
class YearRef:
    """A year as written: absolute (2025) or relative to the plant clock's year (去年 = -1)."""

    value: int
    relative: bool = False

    def year(self, now: datetime) -> int:
        return now.year + self.value if self.relative else self.value


@dataclass(frozen=True)
class Relative:
    """The current or a previous calendar unit: today (day, 0), last week (week, -1), 前年 (year, -2)."""

    unit: Unit
    offset: int


@dataclass(frozen=True)
class DayOf:
    """One calendar day; a missing year or month is the latest such day that has begun."""

    day: int
    month: int | None = None
    year: YearRef | None = None


@dataclass(frozen=True)
class MonthOf:
    month: int
    year: YearRef | None = None


@dataclass(frozen=True)
class QuarterOf:
    quarter: int
    year: YearRef | None = None


@dataclass(frozen=True)
class HalfOf:
    half: int
    year: YearRef | None = None


@dataclass(frozen=True)
class YearOf:
    year: YearRef


@dataclass(frozen=True)
class IsoWeek:
    week: int
    year: YearRef | None = None


@dataclass(frozen=True)
class Weekday:
    """A weekday (0 = Monday) of a week relative to this one (上周三: -1), or, without a week, the latest
    one not after today (周三, "on Wednesday"); `before_today` is "last Wednesday": the latest before today."""

    weekday: int
    week: int | None = None
    before_today: bool = False


@dataclass(frozen=True)
class Weekend:
    """Saturday and Sunday of a week relative to this one, or the latest weekend that has begun."""

    week: int | None = None


@dataclass(frozen=True)
class Rolling:
    """The last `count` units up to now, only when said: "past 90 days", "最近三个月"."""

    count: int
    unit: RollingUnit


@dataclass(frozen=True)
class Range:
    """From the start of `first` to the end of `last`; a partial `last` ("7日", "周三") follows `first`."""

    first: TimeNode
    last: TimeNode


@dataclass(frozen=True)
class Since:
    """From the start of `first` up to now: "since Monday", "11月以来"."""

    first: TimeNode


@dataclass(frozen=True)
class Future:
    """A period that has not happened yet (tomorrow, 下周): never answered with data, but a due-date filter
    ("orders due next week") may use it; `node` is the period it is, when the grammar knows it."""

    words: str
    node: TimeNode | None = None


TimeNode: TypeAlias = (
    Relative
    | DayOf
    | MonthOf
    | QuarterOf
    | HalfOf
    | YearOf
    | IsoWeek
    | Weekday
    | Weekend
    | Rolling
    | Range
    | Since
    | Future
)


@dataclass(frozen=True)
class Read:
    """A node evaluated: [start, end) in plant time, what kind of period it is, and its names."""

    start: datetime
    end: datetime
    kind: Kind
    to_date: bool
    en: str
    zh: str


def bad_period(message: str) -> InvalidArgumentsError:
    """The error of an unreadable or impossible period (one line, both languages)."""
    return InvalidArgumentsError(message, field="period")


_CN_ORDINAL = "一二三四"
_ROLLING_EN = {"hour": "hour", "day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}
_ROLLING_ZH = {"hour": "小时", "day": "天", "week": "周", "month": "个月", "quarter": "个季度", "year": "年"}
_RELATIVE_EN = {
    ("week", -1): "last week",
    ("week", -2): "the week before last",
    ("month", -1): "last month",
    ("month", -2): "the month before last",
    ("quarter", -1): "last quarter",
    ("quarter", -2): "the quarter before last",
    ("year", -1): "last year",
    ("year", -2): "the year before last",
    ("week", 1): "next week",
    ("month", 1): "next month",
    ("quarter", 1): "next quarter",
    ("year", 1): "next year",
}
_RELATIVE_ZH = {
    ("week", -1): "上周",
    ("week", -2): "上上周",
    ("month", -1): "上个月",
    ("month", -2): "上上个月",
    ("quarter", -1): "上季度",
    ("quarter", -2): "上上季度",
    ("year", -1): "去年",
    ("year", -2): "前年",
    ("week", 1): "下周",
    ("month", 1): "下个月",
    ("quarter", 1): "下季度",
    ("year", 1): "明年",
}
_CURRENT = {"week": ("this week", "本周"), "month": ("this month", "本月"), "quarter": ("this quarter", "本季度")}
_CURRENT["year"] = ("this year", "今年")
_WEEK_EN = {0: "this week", -1: "last week", -2: "the week before last", 1: "next week"}
_WEEK_ZH = {0: "本", -1: "上", -2: "上上", 1: "下"}

_Span = tuple[datetime, datetime]


def _at(day: date, now: datetime) -> datetime:
    return datetime.combine(day, time(0), tzinfo=now.tzinfo)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _month_span(year: int, month: int, months: int, now: datetime) -> _Span:
    end_year, end_month = _add_months(year, month, months)
    return _at(date(year, month, 1), now), _at(date(end_year, end_month, 1), now)


def _today(now: datetime) -> datetime:
    return _at(now.date(), now)


def _monday(now: datetime, weeks: int = 0) -> datetime:
    today = _today(now)
    return today - timedelta(days=today.weekday() - 7 * weeks)


def _unit_span(unit: Unit, offset: int, now: datetime) -> _Span:
    if unit == "day":
        start = _today(now) + timedelta(days=offset)
        return start, start + timedelta(days=1)
    if unit == "week":
        start = _monday(now, offset)
        return start, start + timedelta(days=7)
    size = {"month": 1, "quarter": 3, "year": 12}[unit]
    first_month = (now.month - 1) // size * size + 1
    year, month = _add_months(now.year, first_month, offset * size)
    return _month_span(year, month, size, now)


def _relative_names(node: Relative, start: datetime) -> tuple[str, str]:
    unit, offset = node.unit, node.offset
    if unit == "day":
        named = {0: ("today", "今天"), -1: ("yesterday", "昨天"), -2: ("the day before yesterday", "前天")}
        named |= {1: ("tomorrow", "明天"), 2: ("the day after tomorrow", "后天")}
        return named.get(offset, (f"{-offset} days ago", f"{-offset}天前"))
    if offset == 0:
        en, zh = _CURRENT[unit]
        return f"{en} to date", f"{zh}至今"
    en, zh = _RELATIVE_EN[unit, offset], _RELATIVE_ZH[unit, offset]
    if unit == "week":
        return en, zh
    calendar_en, calendar_zh = _calendar_names(unit, start)
    return f"{en} ({calendar_en})", f"{zh}（{calendar_zh}）"


def _calendar_names(unit: str, start: datetime) -> tuple[str, str]:
    """The name of the calendar month / quarter / half / year / ISO week that starts at `start`."""
    if unit == "month":
        return f"{MONTH_NAMES[start.month - 1]} {start.year}", f"{start.year}年{start.month}月"
    if unit == "quarter":
        quarter = (start.month - 1) // 3 + 1
        return f"Q{quarter} {start.year}", f"{start.year}年第{_CN_ORDINAL[quarter - 1]}季度"
    if unit == "half":
        half = 1 if start.month <= 6 else 2
        return f"H{half} {start.year}", f"{start.year}年{'上下'[half - 1]}半年"
    if unit == "year":
        return f"{start.year}", f"{start.year}年"
    if unit == "week":
        year, week, _ = start.isocalendar()
        return f"week {week} of {year}", f"{year}年第{week}周"
    return "", ""


def _latest(spans: list[_Span], now: datetime) -> _Span | None:
    """The latest candidate that has begun before `now` (candidates are latest first)."""
    return next((span for span in spans if span[0] < now), None)


def _candidates(node: DayOf | MonthOf | QuarterOf | HalfOf | IsoWeek, now: datetime, year: int) -> _Span | None:
    try:
        if isinstance(node, DayOf):
            start = _at(date(year, node.month or now.month, node.day), now)
            return start, start + timedelta(days=1)
        if isinstance(node, MonthOf):
            return _month_span(year, node.month, 1, now)
        if isinstance(node, QuarterOf):
            return _month_span(year, node.quarter * 3 - 2, 3, now)
        if isinstance(node, HalfOf):
            return _month_span(year, node.half * 6 - 5, 6, now)
        start = _at(date.fromisocalendar(year, node.week, 1), now)
        return start, start + timedelta(days=7)
    except ValueError:
        return None


def _dated(node: DayOf | MonthOf | QuarterOf | HalfOf | IsoWeek, now: datetime, words: str) -> _Span:
    if node.year is not None:
        span = _candidates(node, now, node.year.year(now))
        if span is None:
            raise bad_period(f"not a valid date / 无效日期: {words!r}")
        return span
    if isinstance(node, DayOf) and node.month is None:
        # "14号": the latest 14th that has begun, in this month or an earlier one that has a 14th.
        months = [_add_months(now.year, now.month, -back) for back in range(13)]
        spans = [_candidates(DayOf(node.day, month, YearRef(year)), now, year) for year, month in months]
    else:
        spans = [_candidates(node, now, now.year - back) for back in range(9)]
    found = _latest([span for span in spans if span is not None], now)
    if found is None:
        raise bad_period(f"not a valid date / 无效日期: {words!r}")
    return found


def _weekday_start(node: Weekday, now: datetime) -> datetime:
    today = _today(now)
    if node.week is not None:
        return _monday(now, node.week) + timedelta(days=node.weekday)
    back = (today.weekday() - node.weekday) % 7
    if node.before_today:
        back = (today.weekday() - node.weekday - 1) % 7 + 1
    return today - timedelta(days=back)


def _weekend_start(node: Weekend, now: datetime) -> datetime:
    if node.week is not None:
        return _monday(now, node.week) + timedelta(days=5)
    today = _today(now)
    return today - timedelta(days=(today.weekday() - 5) % 7)


def _rolling_start(node: Rolling, now: datetime) -> datetime:
    # Counts are capped before any arithmetic so "past 999999999 days" cannot overflow a datetime.
    if node.unit in ("hour", "day", "week"):
        step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}[node.unit]
        return now - step * min(node.count, 50_000)
    months = min(node.count * {"month": 1, "quarter": 3, "year": 12}[node.unit], 12 * 100)
    year, month = _add_months(now.year, now.month, -months)
    last_day = (_at(date(*_add_months(year, month, 1), 1), now) - timedelta(days=1)).day
    return now.replace(year=year, month=month, day=min(now.day, last_day))


def _following(node: TimeNode, anchor: datetime, now: datetime, words: str) -> _Span:
    """The end part of a range written partly ("7日", "Nov 7", "周三"): the first such period from `anchor` on."""
    if isinstance(node, Weekday) and node.week is None:
        start = anchor + timedelta(days=(node.weekday - anchor.weekday()) % 7)
        return start, start + timedelta(days=1)
    if isinstance(node, DayOf) and node.year is None:
        # The year (or month) moves on only when the end is written as an earlier month (day): "12月28日到1月3日".
        if node.month is not None:
            year, month = anchor.year + (node.month < anchor.month), node.month
        else:
            year, month = _add_months(anchor.year, anchor.month, int(node.day < anchor.day))
        found = _candidates(DayOf(node.day, month), now, year)
        if found is None:
            raise bad_period(f"not a valid date / 无效日期: {words!r}")
        return found
    if isinstance(node, MonthOf | QuarterOf | HalfOf) and node.year is None:
        for ahead in range(2):
            span = _candidates(node, now, anchor.year + ahead)
            if span is not None and span[1] > anchor:
                return span
    return raw_span(node, now, words)


def raw_span(node: TimeNode, now: datetime, words: str) -> _Span:
    """[start, end) of a node before it is cut at `now` (a whole day, week, shift day ...)."""
    if isinstance(node, Relative):
        return _unit_span(node.unit, node.offset, now)
    if isinstance(node, DayOf | MonthOf | QuarterOf | HalfOf | IsoWeek):
        return _dated(node, now, words)
    if isinstance(node, YearOf):
        start = _at(date(node.year.year(now), 1, 1), now)
        return start, _at(date(start.year + 1, 1, 1), now)
    if isinstance(node, Weekday):
        start = _weekday_start(node, now)
        return start, start + timedelta(days=1)
    if isinstance(node, Weekend):
        start = _weekend_start(node, now)
        return start, start + timedelta(days=2)
    if isinstance(node, Rolling):
        if node.count <= 0:
            raise bad_period(f"the number of {node.unit}s must be positive / 数量必须为正: {words!r}")
        return _rolling_start(node, now), now
    if isinstance(node, Since):
        return raw_span(node.first, now, words)[0], now
    if isinstance(node, Range):
        first = raw_span(node.first, now, words)
        last = _following(node.last, first[0], now, words)
        if last[1] <= first[0]:
            raise bad_period(f"range ends before it starts / 日期范围结束早于开始: {words!r}")
        return first[0], last[1]
    raise future_error(words, now)


def future_error(words: str, now: datetime) -> InvalidArgumentsError:
    """A period that has not begun at the plant clock: there is no data for it yet."""
    clock = f"{now:%Y-%m-%d %H:%M}"
    return bad_period(
        f"{words!r} has not begun at the plant clock {clock}, so there is no data yet / "
        f"{words!r} 在工厂当前时间 {clock} 尚未开始，还没有数据"
    )


def names_of(node: TimeNode, start: datetime) -> tuple[Kind, str, str]:
    """The kind of period `node` is and its canonical names (en, zh), for a period starting at `start`."""
    if isinstance(node, Relative):
        en, zh = _relative_names(node, start)
        return node.unit, en, zh
    if isinstance(node, DayOf):
        return "day", "", ""
    if isinstance(node, MonthOf | QuarterOf | HalfOf | YearOf | IsoWeek):
        unit = {MonthOf: "month", QuarterOf: "quarter", HalfOf: "half", YearOf: "year", IsoWeek: "week"}[type(node)]
        en, zh = _calendar_names(unit, start)
        kind: Kind = unit  # type: ignore[assignment]
        return kind, en, zh
    if isinstance(node, Weekday):
        en, zh = WEEKDAY_NAMES_EN[node.weekday], WEEKDAY_NAMES_ZH[node.weekday]
        if node.week is not None:
            return "day", f"{en} of {_WEEK_EN.get(node.week, 'that week')}", f"{_WEEK_ZH.get(node.week, '')}{zh}"
        if node.before_today:
            return "day", f"last {en}", f"上一个{zh}"
        return "day", en, zh
    if isinstance(node, Weekend):
        if node.week is None:
            return "range", "the weekend", "周末"
        return "range", f"the weekend of {_WEEK_EN.get(node.week, 'that week')}", f"{_WEEK_ZH.get(node.week, '')}周末"
    if isinstance(node, Rolling):
        unit_en = _ROLLING_EN[node.unit] + ("s" if node.count != 1 else "")
        count_en = f"{node.count} " if node.count != 1 else ""
        return "rolling", f"past {count_en}{unit_en}", f"过去{node.count}{_ROLLING_ZH[node.unit]}"
    if isinstance(node, Since):
        _, en, zh = names_of(node.first, start)
        return "since", (f"since {en}" if en else "to date"), (f"自{zh}以来" if zh else "至今")
    return "range", "", ""


def _with_year(node: TimeNode, year: YearRef) -> TimeNode:
    if isinstance(node, DayOf | MonthOf | QuarterOf | HalfOf | IsoWeek) and node.year is None:
        return replace(node, year=year)
    return node


def _year_of(node: TimeNode) -> YearRef | None:
    return getattr(node, "year", None) if not isinstance(node, YearOf) else node.year


def evaluate(node: TimeNode, now: datetime, words: str, *, allow_future: bool = False) -> Read:
    """[start, end) of `node` at the plant clock `now`, cut at `now`, with its kind and canonical names.

    Raises InvalidArgumentsError (field "period") for impossible dates, reversed ranges and periods that
    have not begun yet. With `allow_future` (a filter on due or promised dates) periods are whole, not cut at
    `now`, and may lie ahead ("next week", "明天").
    """
    if isinstance(node, Future):
        if not allow_future or node.node is None:
            raise future_error(words, now)
        node = node.node
    if allow_future:
        start, end = raw_span(node, now, words)
        kind, en, zh = names_of(node, start)
        return Read(start, end, kind, False, en, zh)
    if isinstance(node, Range) and _year_of(node.first) is None and (year := _year_of(node.last)) is not None:
        # "Nov 28 to Dec 3, 2025": the year written at the end belongs to the start too.
        first = _with_year(node.first, year)
        if raw_span(first, now, words)[0] >= raw_span(node.last, now, words)[1]:
            first = _with_year(node.first, replace(year, value=year.value - 1))
        node = Range(first, node.last)
    start, end = raw_span(node, now, words)
    if start >= now:
        raise future_error(words, now)
    cut = end > now
    kind, en, zh = names_of(node, start)
    if cut and kind in ("month", "quarter", "half", "year", "week") and not isinstance(node, Relative):
        en, zh = f"{en} to date", f"{zh}至今"
    return Read(start, min(end, now), kind, cut or isinstance(node, Rolling | Since), en, zh)
