"""Structure-aware chunking: chunks follow sections, numbered steps stay together, tables stay whole.

Sizes are measured in approximate model tokens: one per CJK character, 1.3 per Latin word, so a
Chinese chunk and an English chunk of the same budget carry about the same amount of text and
both stay under the 512-token window of multilingual-e5-small once the title and section path
are prefixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from knowledge.loaders.blocks import Block

__all__ = ["Chunk", "ChunkSizes", "chunk_blocks", "text_size"]

_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")


def text_size(text: str) -> int:
    """Approximate token count: CJK characters count one each, Latin words 1.3 each."""
    return len(_CJK_CHAR.findall(text)) + round(1.3 * len(_LATIN_WORD.findall(text)))


@dataclass(frozen=True)
class ChunkSizes:
    """`target`: start a new chunk once this is reached; `limit`: never exceeded unless a single
    step or table row is longer on its own."""

    target: int = 220
    limit: int = 380


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage with where it came from."""

    index: int
    text: str
    section: tuple[str, ...]
    page: int | None
    page_end: int | None
    kinds: tuple[str, ...]

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)


def _groups(blocks: Iterable[Block]) -> Iterator[list[Block]]:
    """Runs of consecutive steps (or bullets) form one group; every other block is its own group."""
    run: list[Block] = []
    for block in blocks:
        if run and (block.kind != run[-1].kind or block.kind not in ("step", "list")):
            yield run
            run = []
        run.append(block)
    if run:
        yield run


def _split_long(block: Block, limit: int) -> list[Block]:
    """Cut an over-long block: tables by rows (repeating the header row), text by sentences."""
    if block.kind == "table":
        rows = block.text.split("\n")
        header, body = rows[0], rows[1:]
        pieces: list[list[str]] = [[]]
        for row in body:
            if pieces[-1] and text_size("\n".join([header, *pieces[-1], row])) > limit:
                pieces.append([])
            pieces[-1].append(row)
        return [Block("table", "\n".join([header, *rows_]), block.page, block.level) for rows_ in pieces if rows_]
    parts = [p for p in _SENTENCE_END.split(block.text) if p.strip()]
    out: list[str] = [""]
    for part in parts:
        if out[-1] and text_size(out[-1] + part) > limit:
            out.append("")
        out[-1] = f"{out[-1]} {part}".strip() if out[-1] and not _CJK_CHAR.match(part[:1]) else out[-1] + part
    return [Block(block.kind, text, block.page, block.level) for text in out if text]


class _Chunker:
    def __init__(self, sizes: ChunkSizes) -> None:
        self.sizes = sizes
        self.section: list[tuple[int, str]] = []
        self.current: list[Block] = []
        self.size = 0
        self.count = 0

    def flush(self) -> Chunk | None:
        if not self.current:
            return None
        pages = [b.page for b in self.current if b.page is not None]
        chunk = Chunk(
            index=self.count,
            text="\n".join(b.text for b in self.current),
            section=tuple(text for _, text in self.section),
            page=pages[0] if pages else None,
            page_end=pages[-1] if pages else None,
            kinds=tuple(dict.fromkeys(b.kind for b in self.current)),
        )
        self.count += 1
        self.current, self.size = [], 0
        return chunk

    def heading(self, block: Block) -> Chunk | None:
        chunk = self.flush()
        level = block.level or 1
        while self.section and self.section[-1][0] >= level:
            self.section.pop()
        self.section.append((level, block.text))
        return chunk

    def add(self, group: list[Block]) -> Iterator[Chunk]:
        size = sum(text_size(b.text) for b in group)
        if self.current and self.size + size > self.sizes.target:
            chunk = self.flush()
            if chunk:
                yield chunk
        if size <= self.sizes.limit:
            self.current.extend(group)
            self.size += size
            return
        # A group too big for one chunk: keep each step / row whole, cut only between them.
        for block in group:
            for piece in _split_long(block, self.sizes.limit) if text_size(block.text) > self.sizes.limit else [block]:
                piece_size = text_size(piece.text)
                if self.current and self.size + piece_size > self.sizes.limit:
                    chunk = self.flush()
                    if chunk:
                        yield chunk
                self.current.append(piece)
                self.size += piece_size


def chunk_blocks(blocks: Iterable[Block], sizes: ChunkSizes | None = None) -> Iterator[Chunk]:
    """Chunks from a stream of blocks, lazily; every chunk keeps its section path and first page."""
    chunker = _Chunker(sizes or ChunkSizes())
    for group in _groups(blocks):
        if group[0].kind == "heading":
            chunk = chunker.heading(group[0])
            if chunk:
                yield chunk
            continue
        yield from chunker.add(group)
    chunk = chunker.flush()
    if chunk:
        yield chunk
