"""Suite files are validated before anything runs; errors name the file, the case id and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.errors import SuiteError
from evals.loader import load_suite, load_suites

GOOD = """
suite: sample
defaults: {lang: zh, role: operator, level: L2, tags: [demo]}
cases:
  - id: oee-l2
    input: 2号线昨天的OEE是多少?
    tags: [oee]
    expect:
      domains: [production]
      tool_calls:
        - name: line_oee
          args: {line: [L2, 2号线], period: 昨天}
      answer:
        - numeric: {gold: {fn: line_oee, args: {line: L2, period: yesterday}}, tolerance: 0.005}
        - contains: [OEE]
"""


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_fill_cases_and_single_values_become_allowed_lists(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path, GOOD))
    case = suite.cases[0]
    assert (case.lang, case.role, case.level, case.tags) == ("zh", "operator", "L2", ["demo", "oee"])
    assert case.expect.tool_calls[0].args == {"line": ["L2", "2号线"], "period": ["昨天"]}
    assert case.card_agent == "production"


def test_unknown_field_names_file_case_and_field(tmp_path: Path) -> None:
    text = GOOD.replace("tool_calls:", "tool_calz:")
    with pytest.raises(SuiteError) as info:
        load_suite(write(tmp_path, text, "bad.yaml"))
    assert str(info.value).startswith("bad.yaml: case 'oee-l2': expect.tool_calz: Extra inputs are not permitted")


def test_missing_tool_name_is_reported_with_its_path(tmp_path: Path) -> None:
    text = GOOD.replace("- name: line_oee\n          args", "- args")
    with pytest.raises(SuiteError) as info:
        load_suite(write(tmp_path, text, "bad.yaml"))
    assert "bad.yaml: case 'oee-l2': expect.tool_calls.0.name: Field required" in str(info.value)


def test_bad_level_is_rejected(tmp_path: Path) -> None:
    text = GOOD.replace("tags: [oee]", "tags: [oee]\n    level: L7")
    with pytest.raises(SuiteError) as info:
        load_suite(write(tmp_path, text))
    assert "case 'oee-l2': level: Input should be 'L1', 'L2', 'L3', 'L4' or 'L5'" in str(info.value)


def test_answer_check_must_have_exactly_one_kind(tmp_path: Path) -> None:
    text = GOOD.replace("- contains: [OEE]", "- {contains: [OEE], regex: 'x'}")
    with pytest.raises(SuiteError, match=r"case 'oee-l2': expect.answer.1: Value error, give exactly one of"):
        load_suite(write(tmp_path, text))


def test_input_and_turns_are_exclusive(tmp_path: Path) -> None:
    text = GOOD.replace("    input: 2号线昨天的OEE是多少?", "    input: a\n    turns: [a, b]")
    with pytest.raises(SuiteError, match=r"case 'oee-l2': \(case\): Value error, give exactly one of input or turns"):
        load_suite(write(tmp_path, text))


def test_duplicate_ids_and_invalid_regex_are_errors(tmp_path: Path) -> None:
    dup = GOOD + GOOD.split("cases:\n", 1)[1]
    with pytest.raises(SuiteError, match="duplicate case id 'oee-l2'"):
        load_suite(write(tmp_path, dup))
    bad_regex = GOOD.replace("- contains: [OEE]", "- regex: '(unclosed'")
    with pytest.raises(SuiteError, match="not a valid regular expression"):
        load_suite(write(tmp_path, bad_regex))


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match=r"broken.yaml: line \d+ not valid YAML"):
        load_suite(write(tmp_path, "suite: [unclosed\n", "broken.yaml"))
    with pytest.raises(SuiteError, match=r"suite not found: nowhere\.yaml"):
        load_suites(["nowhere.yaml"])


def test_route_only_cases_cannot_carry_answer_checks(tmp_path: Path) -> None:
    text = GOOD.replace("domains: [production]", "domains: [production]\n      route_only: true")
    with pytest.raises(SuiteError, match="route_only cases check the route only"):
        load_suite(write(tmp_path, text))
