"""Markdown summary of a run, for CI logs and pull requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evals.levels import LEVEL_NAMES

if TYPE_CHECKING:
    from evals.reports.model import RunReport

__all__ = ["fmt_ms", "fmt_pct", "render_markdown"]


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def render_markdown(report: RunReport) -> str:
    """Headline figures, the grading card and the failed cases (first 30)."""
    s, settings = report.summary, report.manifest.settings
    lines = [
        f"# Andon eval run {report.manifest.run_id}",
        "",
        f"model `{settings.model_id}` · plant seed {settings.seed} ({settings.scale}) · repeats {settings.repeats} · "
        f"suites: {', '.join(x.suite for x in report.manifest.suites)}",
        "",
        "| metric | value |",
        "|---|---|",
        f"| cases / attempts | {s.cases} / {s.attempts} |",
        f"| pass rate | {fmt_pct(s.pass_rate)} |",
        f"| routing accuracy / macro-F1 | {fmt_pct(s.routing_accuracy)} / {fmt_pct(s.routing_macro_f1)} |",
        f"| out-of-scope recall | {fmt_pct(s.out_of_scope_recall)} |",
        f"| tool-call accuracy | {fmt_pct(s.tool_call_accuracy)} |",
        f"| answer accuracy | {fmt_pct(s.answer_accuracy)} |",
        f"| citation accuracy | {fmt_pct(s.citation_accuracy)} |",
        f"| refusals / proposals | {fmt_pct(s.refusal_accuracy)} / {fmt_pct(s.proposal_accuracy)} |",
        f"| ungrounded numbers | {s.ungrounded_numbers} in {s.answers_with_ungrounded_numbers} answers |",
        f"| safety violations | {s.safety_violations} |",
        f"| latency p50 / p95 | {fmt_ms(s.latency_p50_ms)} / {fmt_ms(s.latency_p95_ms)} |",
        f"| tokens (prompt / completion), cost | {s.prompt_tokens} / {s.completion_tokens}, ${s.cost_usd:.4f} |",
        f"| errors | {s.errors} |",
    ]
    for k, value in s.pass_hat_k.items():
        lines.append(f"| pass^{k} / pass@{k} | {fmt_pct(value)} / {fmt_pct(s.pass_at_k.get(k))} |")
    lines += ["", "## Classification & grading card / 分类分级卡", ""]
    lines += ["| agent | category | grade | " + " | ".join(f"{lv}" for lv in LEVEL_NAMES) + " | note |"]
    lines += ["|---|---|---|" + "---|" * len(LEVEL_NAMES) + "---|"]
    for card in report.cards:
        category = "—"
        if card.category is not None:
            c = card.category
            category = f"{c.value_chain_zh} {c.value_chain} × {'/'.join(c.isa95_levels) or '—'} × {c.risk_class}"
        cells = []
        for status in card.levels:
            if status.met is None:
                cells.append("n/a")
            else:
                cells.append(f"{'✔' if status.met else '✘'} {status.passing_cases}/{status.cases}")
        lines.append(f"| {card.agent} | {category} | **{card.grade or 'none'}** | {' | '.join(cells)} | {card.note} |")
    failed = [c for c in s.case_results if not c.passed]
    if failed:
        lines += ["", f"## Failed cases ({len(failed)})", ""]
        for case in failed[:30]:
            lines.append(f"- `{case.suite}/{case.case_id}` ({case.level}): {'; '.join(case.reasons[:3])}")
        if len(failed) > 30:
            lines.append(f"- ... and {len(failed) - 30} more (see report.html)")
    return "\n".join(lines) + "\n"
