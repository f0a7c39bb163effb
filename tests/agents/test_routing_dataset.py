"""The shipped routing set: size, balance, a clean split, and strict loading."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from agents.errors import AgentError
from agents.routing import (
    DOMAIN_LABELS,
    builtin_heldout_set,
    builtin_training_set,
    examples_from_tools,
    load_examples,
    load_lexicon,
)


def test_the_set_has_400_plus_requests_half_chinese_half_english() -> None:
    rows = builtin_training_set() + builtin_heldout_set()
    assert len(rows) >= 400
    langs = Counter(r.lang for r in rows)
    assert 0.4 <= langs["zh"] / len(rows) <= 0.6


def test_every_domain_kind_and_outcome_is_covered_on_both_sides() -> None:
    for rows in (builtin_training_set(), builtin_heldout_set()):
        primaries = Counter(r.labels[0] for r in rows)
        kinds = Counter(r.kind for r in rows)
        assert all(primaries[d] >= 15 for d in DOMAIN_LABELS), primaries
        assert kinds["multi"] >= 15
        assert kinds["out_of_scope"] >= 10
        assert kinds["clarify"] >= 10


def test_held_out_is_about_30_percent_and_shares_no_request_with_training() -> None:
    train, held = builtin_training_set(), builtin_heldout_set()
    assert 0.25 <= len(held) / (len(train) + len(held)) <= 0.35
    assert not {r.text for r in train} & {r.text for r in held}
    assert not {r.id for r in train} & {r.id for r in held}


def test_work_order_means_both_kinds_of_order_in_the_set() -> None:
    rows = builtin_training_set() + builtin_heldout_set()
    work_orders = [r for r in rows if "work order" in r.text.lower() or "工单" in r.text]
    primaries = Counter(r.labels[0] for r in work_orders)
    assert primaries["production"] >= 5
    assert primaries["maintenance"] >= 5


def test_a_bad_row_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    good = {"id": "a", "text": "OEE L2", "lang": "en", "domains": ["production"], "kind": "single"}
    bad = {"id": "b", "text": "x", "lang": "en", "domains": ["production", "quality"], "kind": "single"}
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(AgentError, match=r"set.jsonl:3: not a routing example .*kind 'single' does not fit 2"):
        load_examples(path)


def test_unknown_domains_and_missing_files_are_user_errors(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "t", "lang": "en", "domains": ["hr"], "kind": "single"}) + "\n")
    with pytest.raises(AgentError, match="unknown domain 'hr'"):
        load_examples(path)
    with pytest.raises(AgentError, match="routing set not found"):
        load_examples(tmp_path / "missing.jsonl")


def test_lexicon_keys_are_labels_and_bad_lexicons_are_refused(tmp_path: Path) -> None:
    lexicon = load_lexicon()
    assert set(lexicon) == {*DOMAIN_LABELS, "out_of_scope"}
    assert "oee" in lexicon["production"]
    assert "报修" in lexicon["maintenance"]
    bad = tmp_path / "lexicon.yaml"
    bad.write_text("hr:\n  - salary\n", encoding="utf-8")
    with pytest.raises(AgentError, match="top-level keys must be labels"):
        load_lexicon(bad)


class _Tool:
    def __init__(self, domain: str, examples: list[str]) -> None:
        self.domain = domain
        self.examples = examples


def test_tool_examples_become_labelled_texts_of_their_domain() -> None:
    tools = [_Tool("production", ["OEE of line 2", "2号线OEE"]), _Tool("quality", ["scrap today"])]
    assert examples_from_tools(tools) == [
        ("OEE of line 2", "production", 1.0),
        ("2号线OEE", "production", 1.0),
        ("scrap today", "quality", 1.0),
    ]
