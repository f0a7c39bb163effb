"""Time-expression figures (printed, not asserted): resolving a period and scanning a request.

1. `resolve_period` over the resolver tests' table of forms (en + zh, shifts included), cold (first
   call of each form, parse cache empty) and warm: median and p95 per call.
2. `scan_time_text` (what `find_time_mentions` / `find_unread_time_words` run) over whole requests:
   median and p95 per request.
3. Importing the grammar's modules in a fresh interpreter (their own share of `import tools.resolvers`,
   from `python -X importtime`): the word tables and compiled patterns.

    python benchmarks/time_expressions.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

# benchmarks/tools.py would shadow the `tools` package: keep this folder off the import path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

from tools.resolvers import ShiftWindow, resolve_period, scan_time_text  # noqa: E402
from tools.resolvers.time_grammar import parse_time_expression  # noqa: E402

NOW = datetime(2026, 11, 20, 6, 0)
SHIFTS = [
    ShiftWindow("A", ("Morning shift (A)", "早班（A班）", "Morning shift", "早班"), clock_time(6), timedelta(hours=8)),
    ShiftWindow(
        "B", ("Afternoon shift (B)", "中班（B班）", "Afternoon shift", "中班"), clock_time(14), timedelta(hours=8)
    ),
    ShiftWindow("C", ("Night shift (C)", "夜班（C班）", "Night shift", "夜班"), clock_time(22), timedelta(hours=8)),
]
FORMS = (
    "today", "yesterday", "前天", "this week", "上周", "上上周", "this month", "上个月", "上上个月", "this quarter",
    "这个季度", "上季度", "last quarter", "Q3 2026", "2026年第三季度", "三季度", "this year", "去年", "前年",
    "first half", "上半年", "H1", "November", "in October", "十月", "10月份", "2026年10月", "Nov 14", "14 Nov",
    "November 14th", "14th of November", "11/14", "2026-11-14", "11月14日", "11月14号", "14号", "上周三", "周三",
    "星期三", "礼拜三", "this Wednesday", "on Wednesday", "last Wednesday", "11月1日到11月7日", "11月1日至7日",
    "Nov 1-7", "from Nov 1 to Nov 7", "between Nov 1 and Nov 7", "1-7 Nov", "2026-11-01..2026-11-07",
    "上周一到周三", "since Monday", "自11月1日以来", "11月以来", "so far this month", "month to date",
    "year to date", "本月至今", "今年以来", "past 90 days", "last 3 months", "最近三个月", "近两周", "过去48小时",
    "上周三夜班", "Nov 14 night shift", "11月14日早班", "yesterday's morning shift", "current shift",
)  # fmt: skip
REQUESTS = (
    "3号数控机床这个季度的MTBF是多少?",
    "MTBF of ROB-01 this quarter",
    "上周三夜班2号线的OEE",
    "Nov 14 scrap on line 2",
    "11月1日到11月7日的停机",
    "去年的准时交货率",
    "What was the OEE of line 2 yesterday compared with the same shift last week?",
    "2号线上周一到周三的报废率和本月至今的一次合格率",
    "OEE of line 2 last fortnight",
    "最近几天CNC-03的报警",
)


def _timed(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def _line(name: str, samples: Sequence[float]) -> str:
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[-1]
    return f"{name:<38} median {statistics.median(samples):7.3f} ms   p95 {p95:7.3f} ms"


_GRAMMAR_MODULES = ("time_words", "time_nodes", "time_grammar", "time_scan", "time_expressions", "period_description")


def _grammar_import_ms() -> float:
    """Self time of the grammar's modules in a fresh `import tools.resolvers` (python -X importtime)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import tools.resolvers"], capture_output=True, text=True, check=True
    )
    total_us = 0
    for line in run.stderr.splitlines():
        fields = [field.strip() for field in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[2].removeprefix("tools.resolvers.") in _GRAMMAR_MODULES:
            total_us += int(fields[0])
    return total_us / 1000


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    parse_time_expression.cache_clear()
    cold = [_timed(lambda form=form: resolve_period(form, NOW, shifts=SHIFTS)) for form in FORMS]
    warm = [
        _timed(lambda form=form: resolve_period(form, NOW, shifts=SHIFTS))
        for _ in range(args.repeats)
        for form in FORMS
    ]
    parse_time_expression.cache_clear()
    scan_cold = [_timed(lambda text=text: scan_time_text(text)) for text in REQUESTS]
    scan_warm = [_timed(lambda text=text: scan_time_text(text)) for _ in range(args.repeats) for text in REQUESTS]
    imports = [_grammar_import_ms() for _ in range(args.repeats)]

    print(f"{len(FORMS)} forms, {len(REQUESTS)} requests, {args.repeats} repeats")
    print(_line("resolve_period, cold (per form)", cold))
    print(_line("resolve_period, warm (per form)", warm))
    print(_line("scan_time_text, cold (per request)", scan_cold))
    print(_line("scan_time_text, warm (per request)", scan_warm))
    print(_line("import of the grammar modules (self)", imports))


if __name__ == "__main__":
    main()
