"""Answer accuracy on colloquial zh/en data questions: is the figure (or list) the one that was asked for?

    python benchmarks/answers.py                       # dev, then held-out (last line: the held-out figure)
    python benchmarks/answers.py --set dev             # only the dev set, with every answer not correct
    python benchmarks/answers.py --home DIR --out run.jsonl [--model openai] [--show-heldout]

Two sets live in `benchmarks/answers_data/`: `dev.jsonl` (112 questions; tune on these) and `heldout.jsonl`
(166 questions, other phrasings and entities; never tune on them: only counts by category are printed unless
`--show-heldout`). Each row has its metric, scope and period in words and as [start, end), the gold and its
tolerance. Gold is recomputed by `answers_gold.py` (SQL on the plant tables, no tool code) on the medium demo
plant, seed 7 (plant clock Friday 2026-11-20 06:00), seeded into a temporary data home unless `--home` holds
it. Every question is asked as `andon ask QUESTION --json --model offline --user supervisor` asks it, in
process, each in a fresh session; `--out` keeps every row, turn and grade for re-grading.

One outcome per question:
- value: correct when a figure in the answer's headline equals the gold within its tolerance. The headline
  is what the answer leads with: its lines up to and including the first list item, or up to the first blank
  line after a line with a figure; source lines ("Source:", "数据来源") are left out. Not figures: dates,
  times, codes (L2, CNC-03, PO-260181, VB-25), "3号线", "past 30 days", list numbers. Ratios count as 0.873
  or 87.3 % (to 0.1 point); hours as h or min; thousands separators are fine. A "which reason / alarm"
  gold is the first such code (D-..., E-...) in the headline. The reading line ("Reading: ..." / "理解：...")
  that opens an answer says what the figures are for; it is not part of the headline. Zero failures (no
  finite MTBF) is correct when the answer says "no failures" / "failures 0" / "无故障" / "故障次数 0". A
  matching figure is not correct when the turn's tool results carry periods and none is the gold period,
  or name another entity.
- list: correct when the ids of the asked kind (PO-, SO-, WO-, MO-, material codes) named anywhere in the
  answer are exactly the gold set. An empty gold set is correct when the answer names none and says 0 or
  does not say it cannot; naming orders of another kind (MO- for a sales-order question) is wrong.
- honest: no figure (none in the lead lines, none readable as the asked unit in the first list item) and
  no ids, and the answer says it cannot / has no data / asks which one (answers_data/phrases.json), or says nothing.
  For honest-kind questions (no data, no tool, ambiguous, invalid date) that is the right answer.
- confident-wrong: everything else that states a figure or a list.

Also printed: tool accuracy (a hinted tool was called), scope and period accuracy (the tool results' scope
and [start, end) equal the gold; ends past the clock count as the clock), breakdowns by language and kind, and
why answers were not correct. The last line is `answers: correct X/Y, confident-wrong W, honest H` for the
held-out set (for the dev set with `--set dev`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# Run as `python benchmarks/answers.py`, this file's folder comes first on sys.path and its sibling scripts
# (agents.py, tools.py, evals.py) would shadow the packages of the same name.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]


def _load_gold() -> Any:
    spec = importlib.util.spec_from_file_location("answers_gold", _HERE / "answers_gold.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("answers_gold", module)
    spec.loader.exec_module(module)
    return module


gold_module = _load_gold()

# --- Reading figures and ids out of an answer. ---------------------------------------------------------

# The phrases the grader reads as "cannot / no data / which one?" and as "no failures" (answers_data/phrases.json).
_PHRASES = json.loads((gold_module.DATA_DIR / "phrases.json").read_text(encoding="utf-8"))
HONEST_PHRASES: tuple[str, ...] = tuple(_PHRASES["honest"]["phrases"])
NO_FAILURE_PHRASES: tuple[str, ...] = tuple(_PHRASES["no_failures"]["phrases"])
ID_PATTERNS = {
    "PO": r"PO-\d{6}",
    "SO": r"SO-\d{6}",
    "WO": r"WO-\d{6}",
    "MO": r"MO-\d{6}",
    "material": r"(?:RM|CP|PK|FG)-\d{4}",
    "reason": r"D-\d{3}",
    "alarm": r"E-\d{3}",
}
LIST_IDS = {
    "late_pos": "PO",
    "open_pos": "PO",
    "late_sos": "SO",
    "open_wos": "WO",
    "overdue_wos": "WO",
    "late_production_orders": "MO",
    "below_reorder": "material",
}
CODE_IDS = {"top_downtime_reason": "reason", "top_alarm": "alarm"}

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Not figures: dates, times, codes, dimensions, line/machine numbers, rolling periods, list numbers.
_NOT_FIGURES = [
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        r"\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?",
        r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)",
        r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?(?:份)?",
        r"\d{4}\s*年",
        r"\b(?:in|for|of|year|since|until|during|before|after)\s+(?:19|20)\d{2}\b",
        rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s*\d{{4}})?",
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}",
        r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9_]*(?:[-.][A-Za-z0-9_]+)*[0-9][A-Za-z0-9_.-]*",
        r"\d+(?:\.\d+)?\s*[x×]\s*\d+(?:\.\d+)?",
        r"\d+\s*[号#]",
        r"\d+\s*线",
        r"第\s*\d+",
        r"\b(?:line|lines|shift|station|machine)\s+\d+\b",
        r"(?:past|last|previous|next|最近|过去|近|未来)\s*\d+\s*(?:days?|hours?|weeks?|months?|天|日|小时|周|个月|个星期)",
        r"^\s*\d+\s*[.、)]\s",
    )
]
_NUMBER = re.compile(
    r"(?<![\d.])(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)\s*"
    r"(%|％|小时|hours?|hrs?|h(?![a-z])|分钟|minutes?|mins?|min(?![a-z])|mm/s|mm(?![a-z])|°c|℃|bar(?![a-z])|"
    r"n·m|nm(?![a-z])|w(?![a-z])|a(?![a-z])|天|days?|行|rows?)?",
    re.IGNORECASE,
)
_UNIT_CLASS = {
    "%": "%",
    "％": "%",
    "小时": "h",
    "hour": "h",
    "hours": "h",
    "hr": "h",
    "hrs": "h",
    "h": "h",
    "分钟": "min",
    "minute": "min",
    "minutes": "min",
    "min": "min",
    "mins": "min",
    "°c": "°C",
    "℃": "°C",
    "mm/s": "mm/s",
    "mm": "mm",
    "bar": "bar",
    "n·m": "N·m",
    "nm": "N·m",
    "w": "W",
    "a": "A",
    "天": "skip",
    "day": "skip",
    "days": "skip",
    "行": "skip",
    "row": "skip",
    "rows": "skip",
}
_SOURCE_LINE = re.compile(r"^\s*(?:数据来源|来源|出处|source|sources|data\s*/)\b", re.IGNORECASE)
# The answer's reading line (agents.interpretation): what the figures are for, stated before them. Its
# definitions and dates ("3σ", "Q3 2026") are not the answer's figures.
_READING_LINE = re.compile(r"^\s*(?:【[^】]*】)?\s*(?:[A-Za-z ]+: )?(?:Reading:|理解：)")
_LIST_ITEM = re.compile(r"^\s*(?:\d+\s*[.、)]|[-•*·])\s")


def headline(text: str) -> str:
    """The lines an answer leads with: up to and including its first list item, or up to the first blank
    line after a line that stated a figure (so a second section of a multi-part answer is not read);
    source lines left out."""
    kept: list[str] = []
    stated = False
    for line in text.splitlines():
        if not line.strip():
            if stated:
                break
            continue
        if _SOURCE_LINE.match(line) or _READING_LINE.match(line):
            continue
        kept.append(line)
        if _LIST_ITEM.match(line):
            break
        stated = stated or bool(figures(line))
    return "\n".join(kept)


def figures(text: str) -> list[tuple[float, str]]:
    """(value, unit class) of every figure in `text`: unit class '', '%', 'h', 'min' or a physical unit."""
    for pattern in _NOT_FIGURES:
        text = pattern.sub(" ", text)
    found = []
    for match in _NUMBER.finditer(text):
        unit = _UNIT_CLASS.get((match.group(2) or "").lower(), "")
        if unit != "skip":
            found.append((float(match.group(1).replace(",", "")), unit))
    return found


def _candidates(found: list[tuple[float, str]], unit: str) -> list[float]:
    """The figures that can be read as a quantity in `unit`, converted to it."""
    out: list[float] = []
    for value, seen in found:
        if unit == "ratio":
            if seen == "%":
                out.append(value / 100)
            elif seen == "":
                out.extend([value, value / 100] if value > 1 else [value])
        elif unit in ("h", "min"):
            factor = {("h", "min"): 1 / 60, ("min", "h"): 60}.get((unit, seen), 1.0)
            if seen in ("", "h", "min"):
                out.append(value * factor)
        elif unit in ("count", "pcs", "index"):
            if seen == "":
                out.append(value)
        elif seen in ("", unit, unit.replace("°C", "℃")):
            out.append(value)
    return out


def ids_in(text: str, kind: str) -> set[str]:
    return set(re.findall(rf"(?<![A-Za-z0-9]){ID_PATTERNS[kind]}(?![0-9])", text))


def says_cannot(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in HONEST_PHRASES)


# --- Grading one turn. ---------------------------------------------------------------------------------------


@dataclass
class Grade:
    outcome: str  # correct, confident_wrong, honest
    tool_ok: bool | None = None
    scope_ok: bool | None = None
    period_ok: bool | None = None
    reason: str = ""
    tools: list[str] = field(default_factory=list)


def _clamp(start: datetime, end: datetime, first: datetime, clock: datetime) -> tuple[datetime, datetime]:
    """The part of a period the data covers ("this quarter" to the quarter's end reads the same rows as to the
    clock); a period wholly after the clock (promised dates next week) is kept as it is."""
    return (max(start, first), min(end, clock)) if start < clock else (start, end)


def _tool_checks(row: dict[str, Any], turn: dict[str, Any], first: datetime, clock: datetime) -> Grade:
    calls = turn.get("tool_calls") or []
    grade = Grade(outcome="", tools=[call["name"] for call in calls])
    if row.get("tool"):
        grade.tool_ok = any(call["name"] in row["tool"] for call in calls)
    results = [call["result"] for call in calls if call.get("status") in ("ok", "data_unavailable")]
    results = [result for result in results if isinstance(result, dict)]
    if not results or row["kind"] == "honest":
        return grade
    said = {str(v) for r in results for v in (r.get("scope") or {}).values()}
    said |= {str(v) for call in calls for v in (call.get("args") or {}).values()}
    wanted = row.get("scope") or {}
    narrowed = [r for r in results if not {"line", "equipment"} & set(r.get("scope") or {})]
    grade.scope_ok = all(v in said for v in wanted.values()) if wanted else bool(narrowed)
    gold = gold_module.period_of(row)
    spans = [r["period"] for r in results if isinstance(r.get("period"), dict)]
    if gold is not None:
        target = _clamp(gold[0], gold[1], first, clock)
        grade.period_ok = any(
            _clamp(datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]), first, clock) == target
            for s in spans
        )
        if not spans:
            grade.period_ok = False
    return grade


def _stated(top: str, unit: str | None) -> bool:
    """Whether the headline states a figure: any in its lead lines, or one readable as `unit` in its first row."""
    lead = "\n".join(line for line in top.splitlines() if not _LIST_ITEM.match(line))
    first_row = "\n".join(line for line in top.splitlines() if _LIST_ITEM.match(line))
    in_row = figures(first_row)
    return bool(figures(lead)) or bool(_candidates(in_row, unit) if unit else in_row)


def _value_outcome(row: dict[str, Any], gold: Any, text: str) -> tuple[str, str]:
    top = headline(text)
    found = figures(top)
    if row["metric"] in CODE_IDS:
        pattern = ID_PATTERNS[CODE_IDS[row["metric"]]]
        asked = set(re.findall(pattern, row["question"]))
        codes = [code for code in re.findall(pattern, top) if code not in asked]
        if codes:
            return ("correct", codes[0]) if codes[0] == gold else ("confident_wrong", f"first code {codes[0]}")
    elif gold is None:
        if any(phrase in text.lower() for phrase in NO_FAILURE_PHRASES):
            return "correct", "no failures"
    else:
        tolerance = row.get("tolerance") or {}
        allowed = max(float(tolerance.get("abs", 0)), float(tolerance.get("rel", 0)) * abs(gold)) + 1e-9
        close = [x for x in _candidates(found, row["unit"]) if abs(x - gold) <= allowed]
        if close:
            return "correct", f"{close[0]:g}"
        if gold == 0 and not found and not says_cannot(text):
            return "correct", "none"
    if _stated(top, row["unit"]):
        return "confident_wrong", "figure differs"
    return "honest", "asked back / could not" if says_cannot(text) else "no figure"


def _other_rows(row: dict[str, Any], text: str, kind: str | None) -> set[str]:
    """Order and work-order ids of another kind than `kind` named in the answer (not in the question)."""
    return {
        code
        for other in ("PO", "SO", "WO", "MO")
        if other != kind
        for code in ids_in(text, other) - ids_in(row["question"], other)
    }


def _list_outcome(row: dict[str, Any], gold: list[str], text: str) -> tuple[str, str]:
    kind = LIST_IDS[row["metric"]]
    named = ids_in(text, kind) - ids_in(row["question"], kind)
    if named:
        if named == set(gold):
            return "correct", " ".join(sorted(named))
        missing, extra = len(set(gold) - named), len(named - set(gold))
        return "confident_wrong", f"list differs ({missing} missing, {extra} extra)"
    if _other_rows(row, text, kind):
        return "confident_wrong", "named other rows"
    if not gold and (0.0, "") in figures(headline(text)):
        return "correct", "says 0"
    if says_cannot(text):
        return "honest", "asked back / could not"
    return ("correct", "none named") if not gold else ("confident_wrong", "named no rows")


def _honest_outcome(row: dict[str, Any], turn: dict[str, Any], text: str) -> tuple[str, str]:
    if _stated(headline(text), None) or _other_rows(row, text, None):
        return "confident_wrong", "answered what it should not"
    route = (turn.get("route") or {}).get("kind")
    if says_cannot(text) or route in ("clarify", "out_of_scope") or turn.get("refused"):
        return "correct", "cannot / asks back"
    return "honest", "no figure, no reason"


def grade(row: dict[str, Any], turn: dict[str, Any], gold: Any, first: datetime, clock: datetime) -> Grade:
    """The outcome of one turn against its row (see the module docstring)."""
    result = _tool_checks(row, turn, first, clock)
    text = turn.get("answer") or ""
    if turn.get("error") and not text:
        result.outcome, result.reason = "honest", "error: " + str(turn["error"])[:80]
        return result
    if row["kind"] == "honest":
        result.outcome, result.reason = _honest_outcome(row, turn, text)
    elif row["kind"] == "list":
        result.outcome, result.reason = _list_outcome(row, gold, text)
    else:
        result.outcome, result.reason = _value_outcome(row, gold, text)
    # A matching figure read off a result for another period or entity is a coincidence, not an answer.
    if result.outcome == "correct" and result.period_ok is False:
        result.outcome, result.reason = "confident_wrong", "right-looking answer, wrong period"
    elif result.outcome == "correct" and row["kind"] == "value" and result.scope_ok is False:
        result.outcome, result.reason = "confident_wrong", "right-looking answer, wrong entity"
    return result


# --- Running the sets. ---------------------------------------------------------------------------------------


def seed_home(home: Path) -> None:
    from connectors import DatabaseConfig, open_engine, seed_plant

    home.mkdir(parents=True, exist_ok=True)
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{home / 'plant.db'}"))
    started = time.perf_counter()
    seed_plant(engine, scale="medium", seed=7)
    engine.dispose()
    print(f"seeded the medium plant (seed 7) in {time.perf_counter() - started:.0f} s into {home}")


def plant_golds(home: Path, rows: list[dict[str, Any]]) -> tuple[list[Any], datetime, datetime]:
    """Gold of every row recomputed on this plant, with the plant's data start and clock."""
    from connectors import DatabaseConfig, open_engine, plant_info

    engine = open_engine(DatabaseConfig(url=f"sqlite:///{home / 'plant.db'}"))
    info = plant_info(engine)
    if (info.scale, info.seed) != ("medium", 7):
        sys.exit(f"error: {home} holds the {info.scale} plant, seed {info.seed}; the sets need medium, seed 7")
    with engine.connect() as conn:
        golds = [gold_module.gold_value(conn, row, info.plant_clock) for row in rows]
    engine.dispose()
    stale = [row["id"] for row, value in zip(rows, golds, strict=True) if value != row.get("gold")]
    if stale:
        print(
            f"warning: {len(stale)} stored gold value(s) differ from this plant ({', '.join(stale[:5])}...); "
            "graded against the recomputed ones"
        )
    return golds, info.data_start, info.plant_clock


def ask_all(home: Path, model: str, user: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `andon ask --json` object of every question, asked in process with a fresh session each."""
    from agents.runtime import turn_json
    from ui.agents_wiring import agent_system
    from ui.config import AndonSettings
    from ui.system import acting_role, find_user

    system = agent_system(AndonSettings(data_home=home), model=model)  # type: ignore[arg-type]
    account = find_user(system.tools.settings, user)
    role = acting_role(account, None)
    turns = []
    try:
        for row in rows:
            events = system.assistant.ask(
                row["question"],
                session_id=f"answers-{uuid.uuid4().hex[:12]}",
                user=account.name,
                role=role,
                lang=None,
                scopes=frozenset(account.scopes),
            )
            turns.append(turn_json(list(events), row["lang"]))
    finally:
        system.close()
    return turns


def _share(hits: list[bool | None]) -> str:
    known = [hit for hit in hits if hit is not None]
    return f"{sum(known)}/{len(known)}" + (f" ({sum(known) / len(known):.0%})" if known else "")


def _counts(grades: list[Grade]) -> str:
    seen = Counter(g.outcome for g in grades)
    return (
        f"correct {seen['correct']}/{len(grades)}, confident-wrong {seen['confident_wrong']}, honest {seen['honest']}"
    )


def report(name: str, rows: list[dict[str, Any]], turns: list[dict[str, Any]], grades: list[Grade], show: bool) -> str:
    print(f"\n== {name}: {len(rows)} questions ==")
    print(f"  tool (hinted tool called)   {_share([g.tool_ok for g in grades])}")
    print(f"  scope (entity right)        {_share([g.scope_ok for g in grades])}")
    print(f"  period ([start, end) right) {_share([g.period_ok for g in grades])}")
    for key in ("lang", "kind"):
        for value in sorted({row[key] for row in rows}):
            part = [g for row, g in zip(rows, grades, strict=True) if row[key] == value]
            print(f"  {key} {value:<7} {_counts(part)}")
    wrong = [(row, turn, g) for row, turn, g in zip(rows, turns, grades, strict=True) if g.outcome != "correct"]
    categories = Counter(_category(row, g) for row, _, g in wrong)
    print("  not correct, by category: " + (", ".join(f"{k} {v}" for k, v in categories.most_common()) or "none"))
    if show:
        for row, turn, g in wrong:
            first = (headline(turn.get("answer") or "").splitlines() or [turn.get("error") or ""])[0][:150]
            print(f"  - {row['id']} [{g.outcome}: {_category(row, g)}] {row['question']}")
            print(f"      tools {g.tools or '-'}; gold {row.get('gold')!r}; {first}")
    line = f"answers: {_counts(grades)}"
    print(f"  {name}: {_counts(grades)}")
    return line


def _category(row: dict[str, Any], g: Grade) -> str:
    """Why an answer was not correct, the first that applies."""
    if row["kind"] == "honest":
        return "answered an unanswerable question" if g.outcome == "confident_wrong" else "no clear 'cannot'"
    if not g.tools:
        return "no tool called (asked back / could not)" if g.outcome == "honest" else "no tool called"
    if g.tool_ok is False:
        return "other tool than the metric's"
    if g.scope_ok is False:
        return "wrong entity"
    if g.period_ok is False:
        return "wrong period"
    if g.outcome == "honest":
        return "tool ran, answer gave no figure"
    return "list differs" if row["kind"] == "list" else "figure differs (metric or format)"


def run_set(name: str, args: argparse.Namespace, home: Path) -> str:
    rows = gold_module.load_rows(name)
    golds, first, clock = plant_golds(home, rows)
    for row, value in zip(rows, golds, strict=True):
        row["gold"] = value
    started = time.perf_counter()
    turns = ask_all(home, args.model, args.user, rows)
    elapsed = time.perf_counter() - started
    grades = [grade(row, turn, row["gold"], first, clock) for row, turn in zip(rows, turns, strict=True)]
    print(f"\nasked {len(rows)} {name} questions in {elapsed:.0f} s ({elapsed / len(rows) * 1000:.0f} ms each)")
    if args.out:
        with args.out.open("a", encoding="utf-8") as out:
            for row, turn, g in zip(rows, turns, grades, strict=True):
                out.write(
                    json.dumps(
                        {"set": name, "row": row, "turn": turn, "grade": asdict(g)}, ensure_ascii=False, default=str
                    )
                    + "\n"
                )
    return report(name, rows, turns, grades, show=name == "dev" or args.show_heldout)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", choices=["dev", "heldout", "both"], default="both")
    parser.add_argument("--model", choices=["offline", "openai"], default="offline")
    parser.add_argument("--user", default="supervisor", help="Ask as this user (default: supervisor, all lines).")
    parser.add_argument("--home", type=Path, help="Data home with the medium plant, seed 7 (seeded if empty).")
    parser.add_argument("--out", type=Path, help="Append every row, turn and grade to this JSONL file.")
    parser.add_argument("--show-heldout", action="store_true", help="Also list the held-out answers not correct.")
    args = parser.parse_args()
    from agents.errors import AgentError

    home = args.home or Path(tempfile.mkdtemp(prefix="andon-bench-answers-"))
    names = ["dev", "heldout"] if args.set == "both" else [args.set]
    try:
        if not (home / "plant.db").exists():
            seed_home(home)
        lines = [run_set(name, args, home) for name in names]
    except AgentError as error:
        sys.exit(f"error: {error}")
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    print(lines[-1])


if __name__ == "__main__":
    main()
