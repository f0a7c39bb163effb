"""Twenty operators at once: every session gets an answer, and each answer is its own.

Correctness only: how fast the answers come is measured by `benchmarks/ui.py`. The timeouts allow a
machine busy with other work; a slow session is not a failed one.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ui.console.load import SESSION_TIMEOUT_S, message_text, run_sessions

pytestmark = [pytest.mark.slow, pytest.mark.timeout(SESSION_TIMEOUT_S + 300)]

LINES = ["L1", "L2", "L3", "L4"]


def test_twenty_simultaneous_sessions_each_get_their_own_answer(console: Any) -> None:
    questions = [f"What was the OEE of line {LINES[i % 4][1]} yesterday?" for i in range(20)]
    outcomes = run_sessions(console.url, questions)
    errors = [o.error for o in outcomes if o.error]
    assert errors == []
    for outcome in outcomes:
        asked_line = LINES[outcome.index % 4]
        assert re.search(r"\d", outcome.answer), outcome.answer
        mentioned = set(re.findall(r"\bL[1-4]\b", outcome.answer))
        assert mentioned == {asked_line}, (outcome.question, outcome.answer)
        user_turns = [m for m in outcome.history if isinstance(m, dict) and m.get("role") == "user"]
        assert [message_text(m["content"]) for m in user_turns] == [outcome.question]
    same_line = {o.answer for o in outcomes if o.index % 4 == 1}
    assert len(same_line) == 1  # the same question gets the same figures in every session
