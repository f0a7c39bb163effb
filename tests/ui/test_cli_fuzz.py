"""Random input at the CLI's main commands: every refusal is one line `error: ...` (exit 1 or 2), never a traceback
or an internal error. Hypothesis builds the command lines from the commands' own arguments and hostile text."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools import load_registry

TOOL_NAMES = sorted(tool.name for tool in load_registry().tools)
HOSTILE = [
    "",
    " ",
    "-",
    "--",
    "--help-me",
    "'; DROP TABLE plant_meta; --",
    "L2' OR '1'='1",
    "\x00",
    "\u202e",
    "2号线",
    "最近99999天",
    "9" * 40,
    "-1",
    "{",
    '{"a": ',
    "[]",
    "null",
    '{"period": "1900-01-01..2999-12-31"}',
    '{"limit": -5}',
    '{"target": 7}',
    "../../etc/passwd",
    "admin",
    "supervisor",
    "root",
]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
json_args = st.one_of(
    text,
    st.dictionaries(st.sampled_from(["line", "target", "period", "limit", "equipment", "x"]), st.one_of(
        st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True), text, st.lists(text, max_size=2)
    ), max_size=3).map(lambda d: json.dumps(d, ensure_ascii=False)),
)  # fmt: skip
maybe = st.one_of(st.just([]), st.tuples(st.sampled_from(["--user", "--role"]), text).map(list))

COMMANDS = st.one_of(
    st.tuples(st.just(["tools", "call"]), st.one_of(st.sampled_from(TOOL_NAMES), text), json_args, maybe).map(
        lambda t: [*t[0], t[1], "--args", t[2], *t[3]]
    ),
    st.tuples(st.just(["tools", "describe"]), st.one_of(st.sampled_from(TOOL_NAMES), text)).map(
        lambda t: [*t[0], t[1]]
    ),
    st.tuples(
        st.sampled_from(["approve", "reject", "show"]), st.one_of(st.integers(-5, 10**9).map(str), text), maybe
    ).map(lambda t: ["proposals", t[0], t[1], *(["--reason", "x"] if t[0] == "reject" else []), *t[2]]),
    st.tuples(st.sampled_from(["--scale", "--seed"]), text).map(lambda t: ["db", "seed", *t]),
    st.just(["db", "info", "--json"]),
    st.tuples(st.sampled_from(["search", "remove"]), text).map(lambda t: ["knowledge", t[0], t[1]]),
    text.map(lambda t: ["route", t]),
    st.tuples(st.just(["audit", "tail", "-n"]), st.one_of(st.integers(-3, 10**6).map(str), text)).map(
        lambda t: [*t[0], t[1]]
    ),
    st.tuples(st.just(["eval", "run"]), text).map(lambda t: [*t[0], t[1]]),
    st.tuples(st.just(["eval", "card"]), text).map(lambda t: [*t[0], t[1]]),
)


@pytest.fixture
def plant_home(small_plant_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("ANDON_DATABASE_URL", "ANDON_LLM_BASE_URL", "ANDON_CHROMA_URL", "ANDON_USERS"):
        monkeypatch.delenv(name, raising=False)
    shutil.copy(small_plant_path, tmp_path / "plant.db")
    monkeypatch.setenv("ANDON_DATA_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(argv: list[str], code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in out + err, (argv, err)
    assert "internal error" not in err, (argv, err)
    if code:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, (argv, err)
        assert lines[0].startswith(("error: ", "aborted")) or "failed" in lines[0], (argv, err)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=COMMANDS)
def test_random_command_lines_get_one_line_errors(
    plant_home: Path, andon_cli: Callable[..., tuple[int, str, str]], argv: list[str]
) -> None:
    _check(argv, *andon_cli(*argv))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=text, extra=maybe)
def test_random_questions_and_callers_of_ask(
    plant_home: Path, andon_cli: Callable[..., tuple[int, str, str]], question: str, extra: list[str]
) -> None:
    argv = ["ask", question, "--model", "offline", *extra]
    _check(argv, *andon_cli(*argv))


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["proposals", "show", "9" * 30], f"error: no proposal {'9' * 30} / 没有编号为 {'9' * 30} 的提议"),
        (["eval", "run", "a\x1cb\nc\x1b[31m"], "error: suite not found: a b c\ufffd[31m (built-in: "),
    ],
)
def test_input_found_by_the_fuzz_gets_one_printable_line(
    plant_home: Path, andon_cli: Callable[..., tuple[int, str, str]], argv: list[str], said: str
) -> None:
    code, _, err = andon_cli(*argv)
    assert code == 2
    assert err.splitlines()[0].startswith(said)
    assert len(err.splitlines()) == 1
