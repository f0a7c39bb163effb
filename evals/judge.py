"""Optional LLM judge for rubric checks. It must be a different model from the one under test (the
runner refuses otherwise): a model grading its own answers measures nothing."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from evals.errors import JudgeError
from evals.graders import CheckResult
from evals.outcome import CaseOutcome
from evals.schema import CaseSpec

__all__ = ["JUDGE_PROMPT", "LLMJudge", "parse_verdict"]

JUDGE_PROMPT = """You grade an industrial assistant's answer against a rubric. Reply with JSON only:
{{"pass": true|false, "reason": "<one sentence>"}}

Rubric: {rubric}
Request ({lang}): {request}
Answer: {answer}
Tools called: {tools}"""

_JSON = re.compile(r"\{.*\}", re.DOTALL)


def parse_verdict(text: str) -> tuple[bool, str]:
    """The judge's JSON verdict; JudgeError when the reply is not one."""
    match = _JSON.search(text)
    try:
        data = json.loads(match.group(0)) if match else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("pass"), bool):
        raise JudgeError(f"the judge did not answer with a verdict: {text[:120]!r}")
    return data["pass"], str(data.get("reason", ""))


class LLMJudge:
    """Grades rubrics with a LangChain chat model (`invoke(prompt) -> message with .content`)."""

    def __init__(self, chat_model: Any, model_id: str) -> None:
        self.chat_model = chat_model
        self._model_id = model_id

    @property
    def model_id(self) -> str:
        return self._model_id

    async def grade(self, case: CaseSpec, outcome: CaseOutcome) -> CheckResult:
        rubric = case.expect.rubric or ""
        prompt = JUDGE_PROMPT.format(
            rubric=rubric,
            lang=case.lang,
            request=" / ".join(case.messages),
            answer=outcome.answer,
            tools=", ".join(c.name for c in outcome.tool_calls) or "none",
        )
        reply = await asyncio.to_thread(self.chat_model.invoke, prompt)
        try:
            passed, reason = parse_verdict(str(getattr(reply, "content", reply)))
        except JudgeError as exc:
            passed, reason = False, str(exc)
        return CheckResult(
            grader="rubric",
            args={"rubric": rubric, "judge": self.model_id},
            passed=passed,
            reason="" if passed else reason,
        )
