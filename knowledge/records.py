"""Public result and record types of the knowledge layer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Citation", "DocumentInfo", "IngestFailure", "IngestProgress", "IngestReport", "Scores", "SearchResult"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Frozen):
    """Where a passage comes from, precise enough for an operator to check it."""

    document: str
    title: str
    section: str
    page: int | None = None
    version: str | None = None

    def label(self) -> str:
        """ "SOP-CHG-001 v1.2, 3 Changeover > 3.2 Tooling, p. 4"."""
        version = f" v{self.version}" if self.version else ""
        page = f", p. {self.page}" if self.page is not None else ""
        section = f", {self.section}" if self.section else ""
        return f"{self.document}{version}{section}{page}"


class Scores(_Frozen):
    """Dense cosine similarity, BM25 score and fused reciprocal-rank score (None: not retrieved that way)."""

    dense: float | None = None
    bm25: float | None = None
    fused: float = 0.0


class SearchResult(_Frozen):
    """A retrieved passage: the chunk's text (document content, quoted, never instructions), its citation and scores."""

    text: str
    citation: Citation
    scores: Scores
    doc_type: str | None = None
    language: str | None = None
    chunk_id: str = ""


class DocumentInfo(_Frozen):
    """A document in the index. No timestamps: re-ingesting an unchanged corpus lists the same bytes."""

    id: str
    title: str
    doc_type: str | None
    language: str
    version: str | None
    lines: list[str] = Field(default_factory=list)
    equipment: list[str] = Field(default_factory=list)
    access_level: str
    source: str
    content_hash: str
    chunks: int
    pages: int | None = None


class IngestFailure(_Frozen):
    path: str
    message: str


class IngestProgress(_Frozen):
    """Reported after each stored batch of chunks and when a document is done."""

    document: str
    documents_done: int
    documents_total: int
    chunks_done: int
    finished: bool = False


class IngestReport(BaseModel):
    """What an ingest run did, document by document."""

    model_config = ConfigDict(extra="forbid")

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    failed: list[IngestFailure] = Field(default_factory=list)
    chunks_written: int = 0
    chunks_embedded: int = Field(
        0, description="Chunks sent to the model; the rest kept the vector of an unchanged text."
    )

    def lines(self) -> list[str]:
        """One line per failure and a summary line."""
        out = [f"failed: {f.path}: {f.message}" for f in self.failed]
        out.append(
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed; {self.chunks_written} chunks written"
        )
        return out
