"""Process documents: loaders, chunking, embeddings, Chroma store, hybrid retrieval, ingestion."""

__all__: list[str] = []
