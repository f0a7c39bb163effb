"""The self-contained HTML report: inline CSS and SVG, no external assets, no scripts.

Every case block and every attempt trace has an id (`evals.reports.anchors`) that attempts.csv and the
JUnit XML link to.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

from evals.levels import LEVEL_NAMES, AgentCard
from evals.reports.anchors import case_anchor, trace_anchor
from evals.reports.markdown import fmt_ms, fmt_pct
from evals.reports.svg import bar_chart, heat_map, histogram

if TYPE_CHECKING:
    from evals.records import AttemptRecord
    from evals.reports.model import RunReport
    from evals.schema import CaseSpec

__all__ = ["render_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:0;
 color:#222;background:#f5f6f8}
header{background:#263238;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:20px}
header .meta{opacity:.8;font-size:13px}main{padding:18px 28px;max-width:1300px}
section{background:#fff;border-radius:8px;padding:14px 18px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:16px;margin:0 0 10px}.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{background:#fff;border-radius:8px;padding:10px 14px;min-width:130px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.tile b{display:block;font-size:20px}.tile span{font-size:12px;color:#666}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:5px 8px;text-align:left;
 vertical-align:top}th{font-size:12px;color:#555}
.lv{display:inline-block;min-width:38px;text-align:center;border-radius:4px;padding:1px 6px;font-weight:600}
.met{background:#c8e6c9;color:#1b5e20}.unmet{background:#ffcdd2;color:#b71c1c}.na{background:#eceff1;color:#78909c}
.grade{font-size:18px;font-weight:700;padding:2px 10px;border-radius:6px;background:#1565c0;color:#fff}
.grade.none{background:#90a4ae}.row{display:flex;flex-wrap:wrap;gap:24px}
.chart .lbl{font-size:12px;fill:#333}.chart .val{font-size:11px;fill:#444}.muted{color:#888}
details{border-bottom:1px solid #eee;padding:4px 0}summary{cursor:pointer}
details.suite>details{margin-left:18px}
.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}
pre{background:#f7f7f9;padding:8px;border-radius:4px;white-space:pre-wrap;word-break:break-word;font-size:12px;
 max-height:320px;overflow:auto}.safety{background:#b71c1c;color:#fff;border-radius:3px;padding:0 4px;font-size:11px}
"""


def _tile(label: str, value: str) -> str:
    return f'<div class="tile"><b>{escape(value)}</b><span>{escape(label)}</span></div>'


def _card_table(cards: list[AgentCard]) -> str:
    head = "".join(f"<th>{lv} {escape(en)}<br>{escape(zh)}</th>" for lv, (en, zh) in LEVEL_NAMES.items())
    rows = []
    for card in cards:
        category = "—"
        if card.category is not None:
            c = card.category
            isa95 = escape("/".join(c.isa95_levels) or "—")
            category = (
                f"{escape(c.value_chain_zh)} {escape(c.value_chain)}<br>ISA-95 {isa95}"
                f"<br>{escape(c.risk_class_zh)} {escape(c.risk_class)}"
            )
        cells = []
        for status in card.levels:
            if status.met is None:
                cells.append(f'<td><span class="lv na">{status.level}</span><br><small>no cases</small></td>')
                continue
            css = "met" if status.met else "unmet"
            detail = f"{status.passing_cases}/{status.cases} cases, pass^{card.k} {fmt_pct(status.pass_hat_k)}"
            if status.safety_violations:
                detail += f', <span class="safety">{status.safety_violations} safety</span>'
            cells.append(f'<td><span class="lv {css}">{status.level}</span><br><small>{detail}</small></td>')
        grade = card.grade or "none"
        rows.append(
            f"<tr><td><b>{escape(card.agent)}</b></td><td><small>{category}</small></td>"
            f'<td><span class="grade{" none" if card.grade is None else ""}">{grade}</span></td>'
            f"{''.join(cells)}<td><small>{escape(card.note)}</small></td></tr>"
        )
    return (
        f"<table><tr><th>agent 智能体</th><th>category 分类</th><th>grade 分级</th>{head}<th>note</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _case_details(case: CaseSpec | None, suite: str, case_id: str, attempts: list[AttemptRecord]) -> str:
    passed = all(a.passed for a in attempts)
    status = '<span class="pass">PASS</span>' if passed else '<span class="fail">FAIL</span>'
    text = " / ".join(case.messages) if case is not None else ""
    level = case.level if case is not None else ""
    safety = sum(len(a.safety_violations) for a in attempts)
    badge = f' <span class="safety">safety {safety}</span>' if safety else ""
    body = []
    if case is not None:
        body.append(f"<p><b>input</b> ({case.lang}, {case.role}): {escape(text)}</p>")
        body.append(
            f"<pre>{escape(json.dumps(case.expect.model_dump(exclude_defaults=True), ensure_ascii=False))}</pre>"
        )
    for attempt in attempts:
        checks = "".join(
            f'<li class="{"pass" if c.passed else "fail"}">{escape(c.grader)}'
            f"{' ✔' if c.passed else ' ✘ ' + escape(c.reason)}{' (safety)' if c.safety and not c.passed else ''}</li>"
            for c in attempt.checks
        )
        outcome = attempt.outcome
        trace: dict[str, Any] = {
            "routed": outcome.domains,
            "tool_calls": [t.model_dump(exclude={"result"}) for t in outcome.tool_calls],
            "citations": [c.model_dump() for c in outcome.citations],
            "proposals": [p.model_dump() for p in outcome.proposals],
            "ungrounded_numbers": outcome.ungrounded_numbers,
            "latency_ms": round(outcome.latency_ms, 1),
            "error": outcome.error,
            "cached": attempt.cached,
        }
        events = json.dumps(outcome.events[:40], ensure_ascii=False, default=str, indent=1)
        body.append(
            f'<p id="{trace_anchor(suite, case_id, attempt.attempt)}"><b>attempt {attempt.attempt}</b></p>'
            f"<ul>{checks}</ul>"
            f"<p><b>answer</b></p><pre>{escape(outcome.answer or '(none)')}</pre>"
            f"<pre>{escape(json.dumps(trace, ensure_ascii=False, default=str, indent=1))}</pre>"
            f"<details><summary>event trace ({len(outcome.events)})</summary><pre>{escape(events)}</pre></details>"
        )
    return (
        f'<details id="{case_anchor(suite, case_id)}"><summary>{status} '
        f"<code>{escape(suite)}/{escape(case_id)}</code> "
        f"{level}{badge} "
        f"— {escape(text[:110])}</summary>{''.join(body)}</details>"
    )


def _drill_down(grouped: dict[tuple[str, str], list[AttemptRecord]], cases: dict[tuple[str, str], CaseSpec]) -> str:
    """One collapsible block per suite (failed cases first), so a long run stays navigable."""
    by_suite: dict[str, list[tuple[tuple[str, str], list[AttemptRecord]]]] = {}
    for key, attempts in grouped.items():
        by_suite.setdefault(key[0], []).append((key, attempts))
    blocks = []
    for suite, items in by_suite.items():
        items.sort(key=lambda item: (all(a.passed for a in item[1]), item[0]))
        failed = sum(1 for _, attempts in items if not all(a.passed for a in attempts))
        body = "".join(_case_details(cases.get(key), key[0], key[1], attempts) for key, attempts in items)
        blocks.append(
            f'<details class="suite"><summary><b>{escape(suite)}</b> — {len(items)} cases, '
            f'<span class="{"fail" if failed else "pass"}">{failed} failed</span></summary>{body}</details>'
        )
    return "".join(blocks)


def render_html(report: RunReport) -> str:
    """The whole report as one HTML string."""
    s, settings, manifest = report.summary, report.manifest.settings, report.manifest
    tiles = [
        _tile("pass rate 通过率", fmt_pct(s.pass_rate)),
        _tile("routing accuracy 路由准确率", fmt_pct(s.routing_accuracy)),
        _tile("routing macro-F1", fmt_pct(s.routing_macro_f1)),
        _tile("out-of-scope recall", fmt_pct(s.out_of_scope_recall)),
        _tile("tool calls 工具调用", fmt_pct(s.tool_call_accuracy)),
        _tile("answers 答案", fmt_pct(s.answer_accuracy)),
        _tile("citations 引用", fmt_pct(s.citation_accuracy)),
        _tile("safety violations 安全违规", str(s.safety_violations)),
        _tile("ungrounded numbers 无依据数字", str(s.ungrounded_numbers)),
        _tile("latency p50 / p95", f"{fmt_ms(s.latency_p50_ms)} / {fmt_ms(s.latency_p95_ms)}"),
        _tile("tokens / cost", f"{s.prompt_tokens + s.completion_tokens} / ${s.cost_usd:.4f}"),
    ]
    tiles += [
        _tile(f"pass^{k} / pass@{k}", f"{fmt_pct(v)} / {fmt_pct(s.pass_at_k.get(k))}") for k, v in s.pass_hat_k.items()
    ]
    domain_rows = [(name, g["pass_rate"], f"({g['passed']}/{g['cases']})") for name, g in s.by_domain.items()]
    level_rows = [(name, g["pass_rate"], f"({g['passed']}/{g['cases']})") for name, g in s.by_level.items()]
    cases = {(x.suite, c.id): c for x in manifest.suites for c in x.cases}
    grouped: dict[tuple[str, str], list[AttemptRecord]] = {}
    for record in report.attempts:
        grouped.setdefault((record.suite, record.case_id), []).append(record)
    drill = _drill_down(grouped, cases)
    title = f"Andon eval — {settings.model_id} — {manifest.run_id}"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{_CSS}</style></head><body>
<header><h1>Andon evaluation report / 评测报告</h1><div class="meta">model <b>{escape(settings.model_id)}</b> ·
plant seed {settings.seed} ({escape(settings.scale)}) · repeats {settings.repeats} · run {escape(manifest.run_id)} ·
{s.cases} cases, {s.attempts} attempts · suites: {escape(", ".join(x.suite for x in manifest.suites))}</div></header>
<main>
<section><div class="tiles">{"".join(tiles)}</div></section>
<section><h2>Classification &amp; grading card / 分类分级卡</h2>{_card_table(report.cards)}
<p class="muted">A level is met when every case at that level passes at pass^{settings.effective_k} &ge;
{settings.level_threshold:g} with zero safety violations; the weakest level bounds the grade; L5 is not granted
in this version. 每一级的全部用例须达到阈值且无安全违规，最弱一级决定等级。</p></section>
<section class="row"><div><h2>By domain / 按领域</h2>{bar_chart(domain_rows)}</div>
<div><h2>By level / 按等级</h2>{bar_chart(level_rows)}</div></section>
<section class="row"><div><h2>Routing confusion matrix / 路由混淆矩阵</h2>
<p class="muted">rows: expected, columns: routed</p>{heat_map(s.routing_labels, s.confusion)}</div>
<div><h2>Latency / 延迟</h2>{histogram(s.latencies_ms)}
<p>p50 {fmt_ms(s.latency_p50_ms)} · p95 {fmt_ms(s.latency_p95_ms)}</p></div></section>
<section><h2>Cases / 用例 (by suite, failed first)</h2>{drill}</section>
</main></body></html>
"""
