"""The Chroma store: an embedded `PersistentClient` in the data home, or an `HttpClient` for a server."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from knowledge.config import KnowledgeConfig
from knowledge.errors import KnowledgeError

__all__ = ["open_catalogue_collection", "open_chroma", "open_chunk_collection"]


def open_chroma(config: KnowledgeConfig) -> Any:
    """A Chroma client for the configured store; telemetry off."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if config.chroma_url is None:
        path = config.persist_dir / "chroma"
        try:
            path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(path), settings=settings)
        except OSError as exc:
            raise KnowledgeError(f"cannot use the vector store folder {path}: {exc.strerror}") from None
    url = urlparse(config.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise KnowledgeError(f"chroma_url must look like http://host:8000, got {config.chroma_url!r}")
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    except Exception as exc:
        raise KnowledgeError(f"cannot reach the Chroma server at {config.chroma_url} ({type(exc).__name__})") from None


def open_chunk_collection(client: Any, config: KnowledgeConfig, embedding_function: Any) -> Any:
    """The collection of chunks, embedded with `embedding_function` (stored with the collection)."""
    try:
        return client.get_or_create_collection(
            name=f"{config.collection}_chunks",
            embedding_function=embedding_function,
            configuration={"hnsw": {"space": "cosine"}},
        )
    except ValueError as exc:
        raise KnowledgeError(
            f"collection {config.collection} was built with another embedding model ({exc}); "
            "remove the documents or use a new collection name"
        ) from None


def open_catalogue_collection(client: Any, config: KnowledgeConfig) -> Any:
    """One record per document (its metadata, content hash and active chunk generation).

    Keeping the catalogue in Chroma next to the chunks means every process and every server
    client sees the same switch from an old generation of chunks to a new one.
    """
    return client.get_or_create_collection(name=f"{config.collection}_catalogue", embedding_function=None)
