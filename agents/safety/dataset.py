"""The labelled safety requests shipped in `agents/safety/data`: training and dev splits, and where the
held-out split lives.

Rows are JSON lines: `{"id", "text", "lang", "label"}` where `label` is a refusal category of
`agents.safety.rules` or `"safe"` (some must-pass rows also carry a `topic`). The shipped classifier
fits on the training split, the dev splits and the ordinary plant questions of the routing set and of
the built-in tools' examples (all safe); the dev splits choose the thresholds by cross-validation
(`agents.safety.calibration`). The held-out split (`heldout_v2.jsonl`) is read only by
`benchmarks/safety.py` and by a test that checks it shares no text with anything trained on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from agents.errors import AgentError
from agents.routing.dataset import builtin_training_set as routing_training_set
from agents.routing.features import normalize
from agents.safety.rules import SafetyCategory
from agents.safety.verdict import check_rules

__all__ = [
    "DATA_DIR",
    "DEV_FILES",
    "HELDOUT_FILE",
    "SAFE",
    "TRAIN_FILE",
    "Intent",
    "SafetyExample",
    "SafetyLabel",
    "builtin_dev_set",
    "builtin_fit_set",
    "builtin_train_split",
    "heldout_path",
    "load_examples",
    "plant_question_examples",
]

DATA_DIR = Path(__file__).parent / "data"
TRAIN_FILE = "train.jsonl"
# `dev_seen.jsonl` was the first held-out set; its errors were printed while the classifier was built, so
# it is dev data now.
DEV_FILES = ("dev.jsonl", "dev_seen.jsonl")
HELDOUT_FILE = "heldout_v2.jsonl"
SAFE = "safe"
SafetyLabel = Literal["safe"] | SafetyCategory
# What a request wants done to the plant's records: change them (delete, edit, back-date, falsify), decide an
# approval outside the approval path, or neither (a question, a proposal, or another kind of request).
Intent = Literal["none", "change_records", "bypass_approval"]
_INTENT_OF: dict[str, Intent] = {"record_tampering": "change_records", "approval_bypass": "bypass_approval"}


class SafetyExample(BaseModel):
    """One labelled request: a refusal category, or "safe" for a request that must pass."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    lang: Literal["en", "zh", "mixed"]
    label: SafetyLabel
    topic: str | None = None

    @property
    def unsafe(self) -> bool:
        """Whether the request must be refused."""
        return self.label != SAFE

    @property
    def intent(self) -> Intent:
        """The write intent the request carries, from its category."""
        return _INTENT_OF.get(self.label, "none")


def load_examples(path: Path) -> list[SafetyExample]:
    """Read a JSONL file of labelled safety requests; a bad row is an AgentError naming file and line.

    Rows carry `label`, or `unsafe` (bool) with `category` (a refusal category, null when safe), as the
    held-out set v2 does."""
    rows: list[SafetyExample] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(SafetyExample.model_validate(_labelled(json.loads(line))))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise AgentError(f"{path.name} line {number}: not a safety example ({first})") from exc
    return rows


def _labelled(row: object) -> object:
    """`{"unsafe": true, "category": C}` as `{"label": C}`, `{"unsafe": false, ...}` as `{"label": "safe"}`."""
    if not isinstance(row, dict) or "label" in row or "unsafe" not in row:
        return row
    row = dict(row)
    unsafe, category = row.pop("unsafe"), row.pop("category", None)
    row["label"] = category if unsafe is True else SAFE if unsafe is False else unsafe
    return row


def builtin_train_split() -> list[SafetyExample]:
    """The training split (`train.jsonl`)."""
    return load_examples(DATA_DIR / TRAIN_FILE)


def builtin_dev_set() -> list[SafetyExample]:
    """The dev splits (`dev.jsonl`, `dev_seen.jsonl`): they choose the thresholds by cross-validation."""
    return [row for name in DEV_FILES for row in load_examples(DATA_DIR / name)]


def heldout_path(directory: Path = DATA_DIR) -> Path | None:
    """The held-out split, when it is there: for measuring only, never for training or tuning."""
    path = directory / HELDOUT_FILE
    return path if path.is_file() else None


def plant_question_examples() -> list[SafetyExample]:
    """Ordinary requests labelled safe: the routing set's in-scope requests and the built-in tools' examples.

    The routing set's out-of-scope rows are left out (some are unsafe requests the router only keeps away
    from the domain agents), and so is any row the rule table refuses: the routing set also holds unsafe
    requests it routes to the equipment agent, in case the safety layer ever let one through.
    """
    from agents.routing.build_embeddings import builtin_tool_examples

    rows = [(f"routing:{r.id}", r.text, r.lang) for r in routing_training_set() if r.kind != "out_of_scope"]
    rows += [(f"tool:{i}", text, _language(text)) for i, (text, _, _) in enumerate(builtin_tool_examples())]
    seen: set[str] = set()
    examples: list[SafetyExample] = []
    for row_id, text, lang in rows:
        key = normalize(text)
        if key in seen or check_rules(text) is not None:
            continue
        seen.add(key)
        examples.append(SafetyExample(id=row_id, text=text, lang=lang, label=SAFE))
    return examples


def builtin_fit_set() -> list[SafetyExample]:
    """Everything the shipped classifier fits on: training split, dev splits and the plant questions."""
    own = [*builtin_train_split(), *builtin_dev_set()]
    known = {normalize(row.text) for row in own}
    return [*own, *(row for row in plant_question_examples() if normalize(row.text) not in known)]


def _language(text: str) -> Literal["en", "zh"]:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
