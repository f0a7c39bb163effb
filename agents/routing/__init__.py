"""Routing: which domain agents a request goes to, or out-of-scope / clarify.

Tier 1 is `SmallModelRouter`, a local model trained in-process from the routing set in
`agents/routing/data`, the domain lexicon and the example requests declared on tools. Tier 2 is
`LLMRouter`, which asks a chat model and falls back to tier 1.

The sentence embeddings of the built-in training texts are shipped in `data/embeddings-*.npz`
(rebuild with `python -m agents.routing.build_embeddings`), so training on a fresh data home
embeds only texts the shipped file lacks (see `agents.routing.embedding_cache`).
"""

from agents.routing.dataset import (
    DATA_DIR,
    LabelledText,
    RoutingExample,
    ToolLike,
    builtin_heldout_set,
    builtin_training_set,
    examples_from_tools,
    load_examples,
    load_lexicon,
)
from agents.routing.decision import (
    CLARIFY,
    DOMAIN_LABELS,
    LABELS,
    OUT_OF_SCOPE,
    DecisionPolicy,
    RouteKind,
    Router,
    RoutingDecision,
    decide,
)
from agents.routing.llm_router import ROUTING_PROMPT, LLMRouter, parse_llm_decision
from agents.routing.metrics import (
    RoutingCase,
    RoutingReport,
    cases_from_examples,
    confusion_matrix,
    evaluate,
    evaluate_router,
    macro_f1,
)
from agents.routing.small_model import SmallModelConfig, SmallModelRouter, training_texts

__all__ = [
    "CLARIFY",
    "DATA_DIR",
    "DOMAIN_LABELS",
    "LABELS",
    "OUT_OF_SCOPE",
    "ROUTING_PROMPT",
    "DecisionPolicy",
    "LLMRouter",
    "LabelledText",
    "RouteKind",
    "Router",
    "RoutingCase",
    "RoutingDecision",
    "RoutingExample",
    "RoutingReport",
    "SmallModelConfig",
    "SmallModelRouter",
    "ToolLike",
    "builtin_heldout_set",
    "builtin_training_set",
    "cases_from_examples",
    "confusion_matrix",
    "decide",
    "evaluate",
    "evaluate_router",
    "examples_from_tools",
    "load_examples",
    "load_lexicon",
    "macro_f1",
    "parse_llm_decision",
    "training_texts",
]
