"""The optional LLM judge: verdict parsing, grading a rubric, and refusing to judge its own model."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from evals.errors import JudgeError
from evals.judge import LLMJudge, parse_verdict
from evals.outcome import CaseOutcome, ToolCallRecord
from evals.schema import CaseSpec


@dataclass
class Reply:
    content: str


class FakeChat:
    def __init__(self, text: str) -> None:
        self.text = text
        self.prompts: list[str] = []

    def invoke(self, prompt: str) -> Reply:
        self.prompts.append(prompt)
        return Reply(self.text)


CASE = CaseSpec.model_validate(
    {
        "id": "r",
        "input": "为什么2号线上周OEE低？",
        "lang": "zh",
        "level": "L3",
        "expect": {"rubric": "Names the main downtime reason."},
    }
)


def test_parse_verdict_reads_json_inside_text() -> None:
    assert parse_verdict('Sure. {"pass": true, "reason": "names D-401"}') == (True, "names D-401")
    with pytest.raises(JudgeError, match="did not answer with a verdict"):
        parse_verdict("looks fine to me")


def test_judge_grades_the_rubric_and_records_its_arguments() -> None:
    chat = FakeChat('{"pass": false, "reason": "no downtime reason named"}')
    judge = LLMJudge(chat, "openai:judge-model")
    outcome = CaseOutcome(answer="OEE 71%", tool_calls=[ToolCallRecord(name="oee")])
    result = asyncio.run(judge.grade(CASE, outcome))
    assert (result.grader, result.passed, result.reason) == ("rubric", False, "no downtime reason named")
    assert result.args == {"rubric": "Names the main downtime reason.", "judge": "openai:judge-model"}
    assert "Tools called: oee" in chat.prompts[0]


def test_an_unreadable_verdict_fails_the_check_instead_of_crashing() -> None:
    result = asyncio.run(LLMJudge(FakeChat("maybe"), "openai:j").grade(CASE, CaseOutcome(answer="x")))
    assert result.passed is False
    assert result.reason.startswith("the judge did not answer with a verdict")
