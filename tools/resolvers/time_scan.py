"""Time expressions inside free text: the readable ones, and the time words no readable expression covers.

The text is cut into time tokens (words such as "last", "Nov", "14", "季度", "周三"); tokens with only
spaces between them form a run. In each run the longest stretch the grammar reads becomes a mention
("上周三" and never "上周"; "Nov 14 night shift" whole), then the rest of the run is read the same way.
A stretch is not taken when a word glued to it would change its meaning ("下周三", "三天前", "14号前",
"Nov 31"): then the run is reported as unread, so the caller asks back instead of answering another
period. Every readable mention is accepted by `resolve_period` (given the plant's shifts for shift forms).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tools.resolvers.time_grammar import parse_time_expression
from tools.resolvers.time_nodes import DayOf, Future, Relative, TimeNode, Weekday
from tools.resolvers.time_words import COUNT_WORDS, MONTHS_EN, WEEKDAYS_EN, normalize_expression, words_pattern

__all__ = ["FoundTime", "TimeScan", "scan_time_text", "shift_word"]


@dataclass(frozen=True)
class FoundTime:
    """A stretch of the text: the words as written (spaces collapsed) and where they are."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class TimeScan:
    """What a text says about time: readable expressions, and time words none of them covers."""

    readable: list[FoundTime]
    unread: list[FoundTime]


# Token classes. STRONG: a time word on its own; WEAK: a unit or shift word that is a time only with others;
# MOD: a prefix that changes what follows ("last", "下", "每"); AFTER: a suffix that changes what precedes
# ("ago", "前", "morning"); NUM: a number; EDGE: a filler never at either end of an expression.
_STRONG, _WEAK, _MOD, _AFTER, _NUM, _EDGE, _CONN, _VAGUE, _AMBIGUOUS = (
    "strong", "weak", "mod", "after", "num", "edge", "conn", "vague", "ambiguous",
)  # fmt: skip
_AMBIGUOUS_WORDS = {"may", "march", "mar", "wed", "sat", "sun"}
_MONTH_WORDS = words_pattern(name for name in MONTHS_EN if name not in _AMBIGUOUS_WORDS)
_WEEKDAY_WORDS = words_pattern(name for name in WEEKDAYS_EN if name not in _AMBIGUOUS_WORDS)
_COUNTS = words_pattern(word for word in COUNT_WORDS if " " not in word and word not in ("a", "an"))
_CJK_NUM = "[零〇一二两三四五六七八九十]{1,3}"
_DIGITS = r"(?<![a-z0-9])(?<![a-z]-)"  # not inside a code such as CNC-03, PO-260042 or L2

_TOKEN_TABLE: tuple[tuple[str, str], ...] = (
    (rf"{_DIGITS}\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?![0-9])", _STRONG),
    (rf"{_DIGITS}\d{{4}}-?w\d{{1,2}}\b", _STRONG),
    (rf"{_DIGITS}\d{{4}}[-/.]\d{{1,2}}(?![0-9])", _STRONG),
    (rf"{_DIGITS}\d{{1,2}}/\d{{1,2}}(?:/\d{{4}})?(?![0-9])", _STRONG),
    (r"\bthe\s+other\s+day\b|\ba\s+while\s+(?:ago|back)\b|\bsome\s+time\s+ago\b", _STRONG),
    (r"\b(?:so\s+far|to\s+date|up\s+to\s+now|until\s+now|till\s+now|last\s+night)\b", _STRONG),
    (r"\b(?:today|yesterday|tomorrow|tonight|fortnights?|quarters?|weekends?|recently|lately)\b", _STRONG),
    (r"\b(?:[mqwy]td|h[12]|[12]h|q\d{1,2})\b", _STRONG),
    (rf"\b(?:{_MONTH_WORDS}|{_WEEKDAY_WORDS})\b\.?", _STRONG),
    (rf"\b(?:{words_pattern(_AMBIGUOUS_WORDS)})\b", _AMBIGUOUS),
    (r"\b(?:shift\s+(?-i:[A-Z])|(?-i:[A-Z])\s+shift)\b", _WEAK),
    (r"\b(?:days?|weeks?|months?|years?|hours?|hrs?|h|half|shifts?|date|now|night|day)\b", _WEAK),
    (r"\b(?:first|second|third|fourth|swing|graveyard|early|late)\b", _WEAK),
    (r"\b(?:morning|afternoon|evening)\b", _AFTER),
    (r"\b(?:this|last|past|previous|prior|current|next|coming|following|trailing|since|from|between)\b", _MOD),
    (r"\b(?:every|each|per)\b", _MOD),
    (r"\b(?:ago|before|after|later|earlier|onwards?)\b", _AFTER),
    (r"\b(?:to|through|thru|until|till|and)\b|\.\.|[-–—~～]", _CONN),
    (r"\b(?:the|of|on|in|at|for|during|an?)\b|'s\b|,", _EDGE),
    (r"\b(?:few|several|couple)\b", _VAGUE),
    (rf"(?:{_DIGITS}\d{{1,3}}|{_CJK_NUM})\s*(?:[日号]|月份?)(?!个)", _STRONG),
    (rf"{_DIGITS}\d{{1,4}}(?:st|nd|rd|th|h)?(?![a-z0-9])", _NUM),
    (rf"\b(?:{_COUNTS})\b", _NUM),
    # Chinese: the longest words first.
    (r"大前天|今天|昨天|前天|明天|后天|今日|昨日|明日|前日|本日|当天|昨晚|昨夜|今晚|今儿|昨儿|前儿|明儿", _STRONG),
    (r"这几天|前几天|这两天|近期|近来|年初|月初|季初|周初|年底|月底|以来|至今|迄今|到现在|到目前为止", _STRONG),
    (r"季度|半年|周末", _STRONG),
    (r"(?:周|星期|礼拜)[一二三四五六日天]", _STRONG),
    (r"一下|以下|以上|上午|下午|中午|晚上|早上|凌晨|上班|下班", _AFTER),
    (
        r"早班|中班|晚班|夜班|白班|[a-c]班|班次|本班次|本班|当班|上一个班次|上个班次|上一班|上个班|这个班次|这个班",
        _WEAK,
    ),
    (r"当前班次", _WEAK),
    (r"上上个|上上|上一个|上一|上个|这一个|这一|这个|当前|最近|过去的|过去|未来|接下来的|接下来", _MOD),
    (r"下一个|下一|下个|大前|[上本这当今去下近每自从前]", _MOD),
    (r"之前|之后|以前|以后|[前后]", _AFTER),
    (r"一直到|[到至]", _CONN),
    (r"[的第个]", _EDGE),
    (r"为止|止|起|开始", _AFTER),
    (r"几", _VAGUE),
    (rf"\d{{1,4}}|{_CJK_NUM}", _NUM),
    (r"小时|钟头|[天月年周季]|星期|礼拜|月份|年度", _WEAK),
)
_TOKENS = re.compile("|".join(f"(?P<t{index}>{pattern})" for index, (pattern, _) in enumerate(_TOKEN_TABLE)), re.I)
_CLASSES = tuple(cls for _, cls in _TOKEN_TABLE)
# "3号" is a day only where a date can end; "3号线", "3号数控机床" are plant entities.
_DAY_NUMBER = re.compile(rf"(?:\d{{1,3}}|{_CJK_NUM})\s*号")
_AFTER_DAY_NUMBER = re.compile(r"$|[^A-Za-z0-9\u4e00-\u9fff]|[的到至和与及、起以早中夜白晚那当全整前后之]")
_AFTER_THE = re.compile(r"(?:day|week|month|quarter|year|first|second|third|fourth)\b", re.I)
_LEADING_FROM = ("from", "从", "自")
_RECURRING = {"every", "each", "per", "每"}
_NOT_TIME = {_NUM, _EDGE, _CONN, _VAGUE}
_LONGEST = 14  # tokens in one expression ("between the 1st of November 2026 and the 7th of November 2026")
_SHIFT_WORD = re.compile(
    r"(?:morning|afternoon|evening|night|day|early|late|swing|graveyard)\s+shift|shift\s+[a-z]\b|\b[a-z]\s+shift"
    r"|早班|中班|晚班|夜班|白班|[a-z]班"
)
_SHIFT_ALONE = {"last night", "tonight", "昨晚", "昨夜", "今晚", "current shift", "this shift", "last shift"}
_SHIFT_ALONE |= {"previous shift", "本班", "当班", "本班次", "这个班", "上一班", "上个班", "上一个班次", "上个班次"}
_SHIFT_ALONE |= {"这个班次", "当前班次"}
_SHIFT_GLUE = re.compile(r"(?:'s\b|\bthe\b|\bof\b|\bon\b|\bduring\b|\bin\b|班次|的|\s)+")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    cls: str
    word: str


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    for match in _TOKENS.finditer(text):
        cls = _CLASSES[int(str(match.lastgroup)[1:])]
        word = match.group().lower()
        start, end = match.span()
        if cls == _STRONG and _DAY_NUMBER.fullmatch(word) and not _AFTER_DAY_NUMBER.match(text, end):
            cls, end = _NUM, start + len(word.rstrip("号").rstrip())
            word = text[start:end].lower()
        found.append(_Token(start, end, cls, word))
    return found


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    runs: list[list[_Token]] = []
    for token in tokens:
        if runs and not text[runs[-1][-1].end : token.start].strip():
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _day_node(node: TimeNode | None) -> bool:
    return isinstance(node, DayOf | Weekday) or (isinstance(node, Relative) and node.unit == "day" and node.offset <= 0)


def shift_word(expression: str) -> str | None:
    """The shift named in general words ("night shift", "夜班", "shift B"), if the expression names one."""
    found = _SHIFT_WORD.search(normalize_expression(expression))
    return found.group() if found else None


def _readable_shift(text: str) -> bool:
    """A shift on one day in general words ("Nov 14 night shift", "上周三夜班"): the plant names the shifts."""
    if text in _SHIFT_ALONE:
        return True
    words = _SHIFT_WORD.findall(text)
    if len(words) != 1:
        return False
    rest = _SHIFT_GLUE.sub(" ", _SHIFT_WORD.sub(" ", text)).strip()
    return not rest or _day_node(parse_time_expression(rest))


def _readable(expression: str) -> bool:
    """True when `expression` is a time expression the resolver reads: a period that may have begun, or one
    ahead whose dates it knows (tools that filter due dates take those; the others say it has not begun)."""
    node = parse_time_expression(expression)
    if node is not None:
        return not isinstance(node, Future) or node.node is not None
    return _readable_shift(normalize_expression(expression))


def _is_month(token: _Token) -> bool:
    return token.cls in (_STRONG, _AMBIGUOUS) and token.word.rstrip(".") in MONTHS_EN


def _glued(left: _Token, right: _Token) -> bool:
    """Two neighbours that belong together: "Nov" + "31", "14" + "Nov", "2026年" + "13月", "11月" + "31日"."""
    if (_is_month(left) and right.cls == _NUM) or (left.cls == _NUM and _is_month(right)):
        return True
    adjacent = left.end == right.start
    zh_month = right.word.endswith(("月", "月份")) and right.cls == _STRONG
    return adjacent and ((left.word == "年" and zh_month) or (left.word.endswith("月") and right.word[-1:] in "日号"))


def _month_with_day(run: list[_Token], month: int, day: int, first: int, last: int) -> bool:
    """Whether the month token at `month` already has its day number (at `day`) inside the stretch."""
    return first <= day <= last and _is_month(run[month]) and run[day].cls == _NUM


def _edges_ok(run: list[_Token], first: int, last: int, text: str) -> bool:
    head, tail = run[first], run[last]
    if head.cls in (_CONN, _VAGUE) or tail.cls in (_EDGE, _CONN, _VAGUE):
        return False
    if tail.cls == _MOD and tail.word != "前":  # "三天前" ends with 前
        return False
    if head.cls == _EDGE and head.word != "第":
        # "the day before yesterday" keeps its "the"; "the past 7 days" is "past 7 days".
        return head.word == "the" and first < last and bool(_AFTER_THE.match(text, run[first + 1].start))
    return True


def _blocked(run: list[_Token], first: int, last: int, text: str) -> bool:
    """Whether a word around run[first..last] would change its meaning, so the stretch must not stand alone."""
    if not _edges_ok(run, first, last, text):
        return True
    head, tail = run[first], run[last]
    if first > 0:
        before = run[first - 1]
        # A prefix attaches to what follows: "下周三", "next Wednesday", "上上上季度", "每周三".
        if before.cls == _MOD and (before.word.isascii() or head.cls != _STRONG or head.word[:1] in "周星礼季"):
            return True
        if _glued(before, head) and not _month_with_day(run, first, first + 1, first, last):
            return True
    if last + 1 < len(run):
        after = run[last + 1]
        top_n = last + 2 < len(run) and run[last + 2].cls == _NUM  # "昨天前3的停机原因": top 3, not "before"
        if after.cls == _AFTER or (after.word == "前" and not top_n):
            return True
        if _glued(tail, after) and not _month_with_day(run, last, last - 1, first, last):
            return True
    if _SHIFT_WORD.fullmatch(normalize_expression(text[head.start : tail.end])):
        # A shift named without its day after a day word ("明天白班", "tomorrow's day shift") is that day's.
        earlier = [token for token in run[:first] if token.cls != _EDGE]
        if earlier and earlier[-1].cls == _STRONG:
            return True
    if first == last and head.cls == _AMBIGUOUS:
        # "May" is a month only after "in", "since", ... ("in May"); "may I see" is not a time.
        previous = text[: head.start].split()
        return not previous or previous[-1].lower() not in {"in", "of", "since", "during", "from", "until", "for"}
    return False


def _trimmed(run: list[_Token], first: int, last: int, text: str) -> int:
    """Drop a leading "from" / 从 when the rest means the same ("from X to Y" is "X to Y")."""
    if run[first].word in _LEADING_FROM and first < last:
        whole = parse_time_expression(text[run[first].start : run[last].end])
        if parse_time_expression(text[run[first + 1].start : run[last].end]) == whole:
            return first + 1
    return first


def _found(text: str, start: int, end: int) -> FoundTime:
    return FoundTime(" ".join(text[start:end].split()), start, end)


def _reportable(tokens: list[_Token]) -> bool:
    """Time words worth asking about: a time word of its own ("fortnight", "Q7"), or a prefix with a unit
    ("past few days", "这几天", "this morning"); not a lone unit ("by day"), a recurrence ("每天") nor a
    one-character prefix and unit inside a word ("去日本", "去天津")."""
    counted = any(token.cls in (_NUM, _VAGUE) for token in tokens)
    unit = any(
        token.cls in (_WEAK, _AFTER) and (token.word.isascii() or len(token.word) > 1 or counted) for token in tokens
    )
    prefixed = any(token.cls == _MOD and token.word not in _RECURRING for token in tokens)
    return any(token.cls == _STRONG for token in tokens) or (prefixed and unit)


def _segments(tokens: list[_Token]) -> list[list[_Token]]:
    """Unread tokens cut where another expression starts ("next week from past" -> "next week", "from
    past"), each without the numbers at its ends that belong to something else ("明天2线", "line 2 tomorrow")."""
    segments = [[tokens[0]]]
    for before, token in itertools.pairwise(tokens):
        suffix = token.word == "前" and before.cls in (_STRONG, _WEAK, _NUM)  # "14号前", "三天前"
        if token.cls in (_MOD, _STRONG) and before.cls != _MOD and not suffix and not _glued(before, token):
            segments.append([token])
        else:
            segments[-1].append(token)
    trimmed = []
    for segment in segments:
        while len(segment) > 1 and segment[-1].cls == _NUM and not _is_month(segment[-2]):
            segment = segment[:-1]
        while len(segment) > 1 and segment[0].cls == _NUM and not _is_month(segment[1]):
            segment = segment[1:]
        trimmed.append(segment)
    return trimmed


def _read_run(run: list[_Token], low: int, high: int, text: str, scan: TimeScan) -> None:
    if low >= high:
        return
    stretches = sorted(
        ((first, last) for first in range(low, high) for last in range(first, min(high, first + _LONGEST))),
        key=lambda pair: (run[pair[0]].start - run[pair[1]].end, pair[0]),
    )
    for first, last in stretches:
        if all(token.cls in _NOT_TIME for token in run[first : last + 1]) or _blocked(run, first, last, text):
            continue
        if not _readable(text[run[first].start : run[last].end]):
            continue
        first_kept = _trimmed(run, first, last, text)
        scan.readable.append(_found(text, run[first_kept].start, run[last].end))
        _read_run(run, low, first, text, scan)
        _read_run(run, last + 1, high, text, scan)
        return
    meaningful = [token for token in run[low:high] if token.cls not in (_EDGE, _CONN)]
    for segment in _segments(meaningful) if meaningful else []:
        if _reportable(segment):
            scan.unread.append(_found(text, segment[0].start, segment[-1].end))


def scan_time_text(text: str) -> TimeScan:
    """Readable time expressions in `text` and unread time words, each in order of appearance."""
    scan = TimeScan(readable=[], unread=[])
    for run in _runs(text, _tokens(text)):
        _read_run(run, 0, len(run), text, scan)
    scan.readable.sort(key=lambda found: found.start)
    scan.unread.sort(key=lambda found: found.start)
    return scan
