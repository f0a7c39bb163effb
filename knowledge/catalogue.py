"""The document catalogue: one record per document, stored in its own Chroma collection.

A record names the document's active chunk generation. Ingesting a changed file first marks the
new generation as pending, writes its chunks, then switches `generation` in one write and only
then deletes the old chunks; readers only ever search the active generation, so they never see a
mix. A pending generation found later is the trace of a crash and is cleaned up.

Every write also replaces a state record (`STATE_ID`) holding a fresh random token, in the same
Chroma call. Readers keep their view of the catalogue (and the BM25 index built from it) for as
long as that token is unchanged, so a search reads one small record instead of the whole
catalogue, and a document ingested by another process is seen by the next search.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from knowledge.records import DocumentInfo

__all__ = ["STATE_ID", "Catalogue", "DocumentRecord"]

# Chroma needs a vector per record; catalogue records are only ever fetched by id.
_PLACEHOLDER_VECTOR = [1.0]
# Not a valid document id (ids start with a letter or digit), so it never clashes with one.
STATE_ID = "~catalogue-state"


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
            records.extend(
                DocumentRecord.model_validate(json.loads(doc))
                for record_id, doc in zip(got["ids"], got["documents"] or [], strict=True)
                if record_id != STATE_ID
            )
            if len(got["ids"]) < page:
                break
            offset += page
        return sorted(records, key=lambda r: r.id)

    def get(self, doc_id: str) -> DocumentRecord | None:
        got = self.collection.get(ids=[doc_id], include=["documents"])
        docs = got["documents"] or []
        return DocumentRecord.model_validate(json.loads(docs[0])) if docs else None

    def version(self) -> str | None:
        """The token of the last write (None for a store written before tokens existed)."""
        got = self.collection.get(ids=[STATE_ID], include=["documents"])
        docs = got["documents"] or []
        return str(docs[0]) if docs else None

    def put(self, record: DocumentRecord) -> None:
        """Insert or replace a record; the state token changes in the same write."""
        self.put_many([record])

    def put_many(self, records: Sequence[DocumentRecord]) -> None:
        """Insert or replace records in one write, which also changes the state token."""
        if not records:
            return
        self.collection.upsert(
            ids=[*(r.id for r in records), STATE_ID],
            documents=[*(r.model_dump_json() for r in records), uuid.uuid4().hex],
            embeddings=[_PLACEHOLDER_VECTOR] * (len(records) + 1),
            metadatas=[*({"state": "active" if r.generation else "pending"} for r in records), {"state": "version"}],
        )

    def delete(self, doc_id: str) -> None:
        # Delete first, then change the token: a reader that reloads in between already sees the
        # record gone, and one that reloaded before sees the new token.
        self.collection.delete(ids=[doc_id])
        self.touch()

    def touch(self) -> None:
        """Give the catalogue a new state token (readers reload their view)."""
        self.collection.upsert(
            ids=[STATE_ID],
            documents=[uuid.uuid4().hex],
            embeddings=[_PLACEHOLDER_VECTOR],
            metadatas=[{"state": "version"}],
        )
