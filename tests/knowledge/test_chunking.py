"""Chunking: sections give every chunk its path, steps and tables stay whole, sizes count CJK sensibly."""

from __future__ import annotations

from knowledge.chunking import Chunk, ChunkSizes, chunk_blocks, text_size
from knowledge.loaders import Block


def test_text_size_counts_cjk_characters_and_latin_words() -> None:
    assert text_size("主轴振动") == 4
    assert text_size("spindle vibration high") == 4  # round(1.3 * 3)
    assert text_size("报警 E-217 主轴") == 5  # 4 characters + round(1.3 * 1)


def test_every_chunk_keeps_section_path_and_pages() -> None:
    blocks = [
        Block("heading", "Press manual", 1, 1),
        Block("heading", "3 Oil", 2, 2),
        Block("heading", "3.1 Oil change", 2, 3),
        Block("paragraph", "Every 4000 h.", 2),
        Block("heading", "4 Accumulator", 3, 2),
        Block("paragraph", "Pre-charge 90 bar.", 3),
        Block("paragraph", "Check every 6 months.", 4),
    ]
    assert list(chunk_blocks(blocks)) == [
        Chunk(0, "Every 4000 h.", ("Press manual", "3 Oil", "3.1 Oil change"), 2, 2, ("paragraph",)),
        Chunk(1, "Pre-charge 90 bar.\nCheck every 6 months.", ("Press manual", "4 Accumulator"), 3, 4, ("paragraph",)),
    ]


def test_numbered_steps_stay_in_one_chunk() -> None:
    steps = [Block("step", f"{n}. Tighten bolt {n} to 60 N m crosswise and mark it.") for n in range(1, 8)]
    intro = Block("paragraph", " ".join(["Before you start, read the whole procedure."] * 14))
    chunks = list(chunk_blocks([Block("heading", "Steps", level=1), intro, *steps], ChunkSizes(target=100, limit=200)))
    # The intro alone nearly fills a chunk, so the run of steps starts a new chunk and stays together.
    assert [c.kinds for c in chunks] == [("paragraph",), ("step",)]
    assert chunks[1].text.splitlines() == [s.text for s in steps]


def test_over_long_step_run_is_cut_between_steps_never_inside() -> None:
    steps = [Block("step", f"{n}. " + "word " * 30) for n in range(1, 7)]
    chunks = list(chunk_blocks(steps, ChunkSizes(target=60, limit=100)))
    assert [len(c.text.splitlines()) for c in chunks] == [2, 2, 2]
    assert all(line.startswith(("1.", "2.", "3.", "4.", "5.", "6.")) for c in chunks for line in c.text.splitlines())


def test_table_is_kept_whole() -> None:
    table = Block("table", "\n".join(["| code | limit |"] + [f"| CH-{n} | {n}.0 |" for n in range(10)]))
    chunks = list(chunk_blocks([Block("paragraph", "Limits below."), table], ChunkSizes(target=10, limit=300)))
    assert chunks[-1].text == table.text


def test_table_longer_than_the_limit_is_split_by_rows_repeating_the_header() -> None:
    rows = [f"| CH-{n} | spindle bearing bore diameter | {n}.000 |" for n in range(12)]
    table = Block("table", "\n".join(["| code | name | target |", *rows]))
    chunks = list(chunk_blocks([table], ChunkSizes(target=40, limit=60)))
    # header 3 words + 6 words per row, 1.3 units a word: 7 rows make 58.5 units, 8 rows 66.3 > 60.
    assert [len(c.text.splitlines()) - 1 for c in chunks] == [7, 5]
    assert all(c.text.startswith("| code | name | target |\n") for c in chunks)


def test_chinese_and_english_sections_of_equal_budget_hold_similar_amounts() -> None:
    zh = Block("paragraph", "检查冷却液液位并补充切削液。" * 40)  # 13 characters each
    en = Block("paragraph", "Check the coolant level and top up. " * 40)  # 7 words each
    sizes = ChunkSizes(target=100, limit=150)
    zh_chunks = list(chunk_blocks([zh], sizes))
    en_chunks = list(chunk_blocks([en], sizes))
    assert all(text_size(c.text) <= 150 for c in zh_chunks + en_chunks)
    assert len(zh_chunks) == 4  # 520 characters / at most 150 per chunk, cut at sentence ends
    assert len(en_chunks) == 3  # 364 units / 150
