"""The labelled routing set shipped in the repository, the domain lexicon, and tool examples.

Rows are JSON lines: `{"id", "text", "lang", "domains", "kind"}` with the primary domain first
and an empty domain list for `out_of_scope` / `clarify` requests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from agents.errors import AgentError
from agents.routing.decision import DOMAIN_LABELS, LABELS, RouteKind

__all__ = [
    "DATA_DIR",
    "LabelledText",
    "RoutingExample",
    "ToolLike",
    "builtin_heldout_set",
    "builtin_training_set",
    "examples_from_tools",
    "load_examples",
    "load_lexicon",
]

DATA_DIR = Path(__file__).parent / "data"

# A training text with its label (a domain, out_of_scope or clarify) and its weight.
LabelledText = tuple[str, str, float]


class RoutingExample(BaseModel):
    """One labelled request of the routing set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    lang: Literal["en", "zh"]
    domains: list[str]
    kind: RouteKind

    @model_validator(mode="after")
    def _consistent(self) -> RoutingExample:
        unknown = [d for d in self.domains if d not in DOMAIN_LABELS]
        if unknown:
            raise ValueError(f"unknown domain {unknown[0]!r}")
        expected = {0: ("out_of_scope", "clarify"), 1: ("single",)}.get(len(self.domains), ("multi",))
        if self.kind not in expected:
            raise ValueError(f"kind {self.kind!r} does not fit {len(self.domains)} domain(s)")
        return self

    @property
    def labels(self) -> list[str]:
        """The labels the router should give, primary first (the kind when there is no domain)."""
        return list(self.domains) if self.domains else [self.kind]


def load_examples(path: Path) -> list[RoutingExample]:
    """Read a JSON-lines routing set; raises AgentError naming the file and line of a bad row."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise AgentError(f"routing set not found: {path}") from None
    except OSError as exc:
        raise AgentError(f"routing set {path} cannot be read ({exc.strerror})") from None
    rows: list[RoutingExample] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(RoutingExample.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise AgentError(f"{path}:{number}: not JSON ({exc.msg})") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            reason = f"{where}: {first['msg']}" if where else first["msg"]
            raise AgentError(f"{path}:{number}: not a routing example ({reason})") from None
    return rows


def builtin_training_set() -> list[RoutingExample]:
    """The training part of the routing set shipped with Andon."""
    return load_examples(DATA_DIR / "train.jsonl")


def builtin_heldout_set() -> list[RoutingExample]:
    """The held-out part of the routing set (never used for training)."""
    return load_examples(DATA_DIR / "heldout.jsonl")


def load_lexicon(path: Path | None = None) -> dict[str, list[str]]:
    """Domain vocabulary by label (YAML: label -> list of terms); the shipped one by default."""
    import yaml

    source = path or DATA_DIR / "lexicon.yaml"
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AgentError(f"router lexicon not found: {source}") from None
    except yaml.YAMLError as exc:
        raise AgentError(f"router lexicon {source} is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(raw, dict) or any(label not in LABELS for label in raw):
        raise AgentError(f"router lexicon {source}: top-level keys must be labels ({', '.join(LABELS)})")
    return {str(label): [str(term) for term in terms or []] for label, terms in raw.items()}


class ToolLike(Protocol):
    """What the router needs of a registered tool: its domain and example requests."""

    @property
    def domain(self) -> str: ...

    @property
    def examples(self) -> Sequence[str]: ...


def examples_from_tools(tools: Iterable[ToolLike], weight: float = 1.0) -> list[LabelledText]:
    """Training texts from the example requests declared on tools (`@tool(examples=[...])`)."""
    return [(text, item.domain, weight) for item in tools if item.domain in DOMAIN_LABELS for text in item.examples]
