"""The document catalogue: one record per document, stored in its own Chroma collection.

A record names the document's active chunk generation. Ingesting a changed file first marks the
new generation as pending, writes its chunks, then switches `generation` in one write and only
then deletes the old chunks; readers only ever search the active generation, so they never see a
mix. A pending generation found later is the trace of a crash and is cleaned up.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from knowledge.records import DocumentInfo

__all__ = ["Catalogue", "DocumentRecord"]

# Chroma needs a vector per record; catalogue records are only ever fetched by id.
_PLACEHOLDER_VECTOR = [1.0]


class DocumentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    doc_type: str | None = None
    language: str = "en"
    version: str | None = None
    lines: list[str] = Field(default_factory=list)
    equipment: list[str] = Field(default_factory=list)
    access_level: str = "operator"
    source: str = ""
    content_hash: str = ""
    chunks: int = 0
    pages: int | None = None
    generation: str | None = Field(None, description="Chunks readers see; None until the first generation is complete.")
    pending: str | None = Field(None, description="Generation being written; set before the first chunk is stored.")

    def info(self) -> DocumentInfo:
        return DocumentInfo(
            id=self.id,
            title=self.title,
            doc_type=self.doc_type,
            language=self.language,
            version=self.version,
            lines=self.lines,
            equipment=self.equipment,
            access_level=self.access_level,
            source=self.source,
            content_hash=self.content_hash,
            chunks=self.chunks,
            pages=self.pages,
        )


class Catalogue:
    """Reads and writes document records."""

    def __init__(self, collection: Any) -> None:
        self.collection = collection

    def all(self) -> list[DocumentRecord]:
        """Every record, sorted by document id."""
        records: list[DocumentRecord] = []
        offset, page = 0, 1000
        while True:
            got = self.collection.get(include=["documents"], limit=page, offset=offset)
            records.extend(DocumentRecord.model_validate(json.loads(doc)) for doc in got["documents"] or [])
            if len(got["ids"]) < page:
                break
            offset += page
        return sorted(records, key=lambda r: r.id)

    def get(self, doc_id: str) -> DocumentRecord | None:
        got = self.collection.get(ids=[doc_id], include=["documents"])
        docs = got["documents"] or []
        return DocumentRecord.model_validate(json.loads(docs[0])) if docs else None

    def put(self, record: DocumentRecord) -> None:
        self.collection.upsert(
            ids=[record.id],
            documents=[record.model_dump_json()],
            embeddings=[_PLACEHOLDER_VECTOR],
            metadatas=[{"state": "active" if record.generation else "pending"}],
        )

    def delete(self, doc_id: str) -> None:
        self.collection.delete(ids=[doc_id])
