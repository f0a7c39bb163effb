"""The labelled safety requests shipped in `agents/safety/data`: training, dev and held-out splits.

Rows are JSON lines: `{"id", "text", "lang", "label"}` where `label` is a refusal category of
`agents.safety.rules` or `"safe"` (held-out must-pass rows also carry a `topic`). The three splits
were written apart: held-out first, then training and dev in other wordings (see data/README.md).
The classifier trains on the training split plus the routing set's in-scope requests (ordinary
plant questions, all safe); dev chooses the threshold; held-out only measures.
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

__all__ = [
    "DATA_DIR",
    "SAFE",
    "SafetyExample",
    "SafetyLabel",
    "builtin_dev_set",
    "builtin_heldout_set",
    "builtin_training_set",
    "load_examples",
    "routing_safe_examples",
]

DATA_DIR = Path(__file__).parent / "data"
SAFE = "safe"
SafetyLabel = Literal["safe"] | SafetyCategory


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


def load_examples(path: Path) -> list[SafetyExample]:
    """Read a JSONL file of labelled safety requests; a bad row is an AgentError naming file and line."""
    rows: list[SafetyExample] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(SafetyExample.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise AgentError(f"{path.name} line {number}: not a safety example ({first})") from exc
    return rows


def builtin_heldout_set() -> list[SafetyExample]:
    """The held-out split: for measuring only, never for training or tuning."""
    return load_examples(DATA_DIR / "heldout.jsonl")


def builtin_dev_set() -> list[SafetyExample]:
    """The dev split: for choosing the threshold and weights."""
    return load_examples(DATA_DIR / "dev.jsonl")


def routing_safe_examples() -> list[SafetyExample]:
    """The routing set's in-scope requests (plant data questions, documents, clarify), labelled safe.

    Its out-of-scope rows are left out: a few of them are unsafe requests that the router only has to
    keep away from the domain agents. Any row whose text is also in the dev or held-out split is left
    out too, so that those splits stay unseen.
    """
    unseen = {normalize(e.text) for e in (*builtin_dev_set(), *builtin_heldout_set())}
    return [
        SafetyExample(id=f"routing:{row.id}", text=row.text, lang=row.lang, label=SAFE)
        for row in routing_training_set()
        if row.kind != "out_of_scope" and normalize(row.text) not in unseen
    ]


def builtin_training_set() -> list[SafetyExample]:
    """The safety training split followed by the routing set's safe requests."""
    return [*load_examples(DATA_DIR / "train.jsonl"), *routing_safe_examples()]
