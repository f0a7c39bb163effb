"""Compare two runs case by case: what got better, what regressed, what changed in the headline figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from evals.reports.markdown import fmt_pct

if TYPE_CHECKING:
    from evals.reports.model import RunReport

__all__ = ["CaseChange", "RunComparison", "compare_runs", "comparison_markdown"]

_HEADLINE = (
    "pass_rate",
    "routing_accuracy",
    "routing_macro_f1",
    "out_of_scope_recall",
    "tool_call_accuracy",
    "answer_accuracy",
    "citation_accuracy",
)


class CaseChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: str
    change: Literal["improved", "regressed", "added", "removed"]
    before: float | None
    after: float | None
    reasons: list[str]


class RunComparison(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_a: str
    run_b: str
    model_a: str
    model_b: str
    metrics: dict[str, tuple[float | None, float | None]]
    grades: dict[str, tuple[str | None, str | None]]
    changes: list[CaseChange]
    unchanged: int

    @property
    def regressions(self) -> list[CaseChange]:
        return [c for c in self.changes if c.change == "regressed"]


def _pass_rates(report: RunReport) -> dict[str, tuple[float, list[str]]]:
    return {
        f"{c.suite}/{c.case_id}": (c.passes / c.attempts if c.attempts else 0.0, c.reasons)
        for c in report.summary.case_results
    }


def compare_runs(a: RunReport, b: RunReport) -> RunComparison:
    """B against A: a case improved when its pass rate rose, regressed when it fell."""
    before, after = _pass_rates(a), _pass_rates(b)
    changes: list[CaseChange] = []
    unchanged = 0
    for case in sorted(set(before) | set(after)):
        if case not in after:
            changes.append(CaseChange(case=case, change="removed", before=before[case][0], after=None, reasons=[]))
        elif case not in before:
            rate, reasons = after[case]
            changes.append(CaseChange(case=case, change="added", before=None, after=rate, reasons=reasons))
        elif after[case][0] > before[case][0]:
            changes.append(
                CaseChange(case=case, change="improved", before=before[case][0], after=after[case][0], reasons=[])
            )
        elif after[case][0] < before[case][0]:
            changes.append(
                CaseChange(
                    case=case, change="regressed", before=before[case][0], after=after[case][0], reasons=after[case][1]
                )
            )
        else:
            unchanged += 1
    metrics = {name: (getattr(a.summary, name), getattr(b.summary, name)) for name in _HEADLINE}
    grades_a = {card.agent: card.grade for card in a.cards}
    grades_b = {card.agent: card.grade for card in b.cards}
    grades = {agent: (grades_a.get(agent), grades_b.get(agent)) for agent in sorted(set(grades_a) | set(grades_b))}
    return RunComparison(
        run_a=a.manifest.run_id,
        run_b=b.manifest.run_id,
        model_a=a.manifest.settings.model_id,
        model_b=b.manifest.settings.model_id,
        metrics=metrics,
        grades=grades,
        changes=changes,
        unchanged=unchanged,
    )


def comparison_markdown(comparison: RunComparison) -> str:
    """The comparison for a terminal or a pull request."""
    lines = [
        f"# {comparison.run_a} ({comparison.model_a}) → {comparison.run_b} ({comparison.model_b})",
        "",
        "| metric | A | B |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {fmt_pct(x)} | {fmt_pct(y)} |" for name, (x, y) in comparison.metrics.items()]
    lines += ["", "| agent | grade A | grade B |", "|---|---|---|"]
    lines += [f"| {agent} | {x or 'none'} | {y or 'none'} |" for agent, (x, y) in comparison.grades.items()]
    for kind, title in (
        ("regressed", "Regressed / 退步"),
        ("improved", "Improved / 进步"),
        ("added", "Added"),
        ("removed", "Removed"),
    ):
        items = [c for c in comparison.changes if c.change == kind]
        if items:
            lines += ["", f"## {title} ({len(items)})", ""]
            for change in items[:50]:
                why = f" — {'; '.join(change.reasons[:2])}" if change.reasons else ""
                lines.append(f"- `{change.case}`: {fmt_pct(change.before)} → {fmt_pct(change.after)}{why}")
    lines += ["", f"{comparison.unchanged} case(s) unchanged."]
    return "\n".join(lines) + "\n"
