"""Loaders: every format yields structured blocks (headings, steps, tables) with page numbers and metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import KnowledgeError
from knowledge.loaders import Block, load_document, parse_lines


def test_markdown_front_matter_and_blocks(tmp_path: Path) -> None:
    path = tmp_path / "chg.md"
    path.write_text(
        "---\ntitle: 换型 SOP\ntype: sop\nversion: 1.2\nlines: L2\n---\n"
        "# 换型作业指导书\n## 3 换型步骤\n1. 关闭主电源，\n   挂锁。\n2. 拆下夹具。\n\n"
        "| 参数 | 下限 | 上限 |\n|---|---|---|\n| 扭矩 | 10 | 12 |\n\n普通段落，\n继续。\n",
        encoding="utf-8",
    )
    document = load_document(path)
    assert document.meta == {"title": "换型 SOP", "type": "sop", "version": 1.2, "lines": "L2"}
    assert list(document.blocks) == [
        Block("heading", "换型作业指导书", None, 1),
        Block("heading", "3 换型步骤", None, 2),
        Block("step", "1. 关闭主电源，挂锁。"),
        Block("step", "2. 拆下夹具。"),
        Block("table", "| 参数 | 下限 | 上限 |\n| 扭矩 | 10 | 12 |"),
        Block("paragraph", "普通段落，继续。"),
    ]


def test_english_wrapped_lines_are_joined_with_a_space() -> None:
    blocks = list(parse_lines(["Check the oil", "level daily."]))
    assert blocks == [Block("paragraph", "Check the oil level daily.")]


def test_text_pages_and_numbered_headings(tmp_path: Path) -> None:
    path = tmp_path / "manual.txt"
    path.write_text("Press manual\n============\n\n1 Daily checks\nCheck the oil.\f2 Oil change\n1. Drain the tank.\n")
    blocks = list(load_document(path).blocks)
    assert blocks == [
        Block("heading", "Press manual", 1, 1),
        Block("heading", "1 Daily checks", 1, 1),
        Block("paragraph", "Check the oil.", 1),
        Block("heading", "2 Oil change", 2, 1),
        Block("step", "1. Drain the tank.", 2),
    ]


def test_numbered_sentence_is_not_a_heading() -> None:
    assert [b.kind for b in parse_lines(["3 screws are tightened crosswise.", "12 mm"], numbered_headings=True)] == [
        "paragraph"
    ]


def test_html_headings_ordered_list_table_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "guide.html"
    path.write_text(
        '<html><head><title>Washer alarms</title><meta name="doc_type" content="troubleshooting_guide">'
        '<meta name="version" content="1.1"></head><body><h1>Washer alarms</h1><h2>E-610 Conveyor jam</h2>'
        "<p>Stop the conveyor.</p><ol><li>Lock out.</li><li>Remove the part.</li></ol>"
        "<table><tr><th>Item</th><th>Value</th></tr><tr><td>Temp</td><td>60 °C</td></tr></table>"
        "<script>ignored()</script></body></html>",
        encoding="utf-8",
    )
    document = load_document(path)
    assert document.title_hint == "Washer alarms"
    assert document.meta == {"doc_type": "troubleshooting_guide", "version": "1.1"}
    assert list(document.blocks) == [
        Block("heading", "Washer alarms", level=1),
        Block("heading", "E-610 Conveyor jam", level=2),
        Block("paragraph", "Stop the conveyor."),
        Block("step", "1. Lock out."),
        Block("step", "2. Remove the part."),
        Block("table", "| Item | Value |\n| Temp | 60 °C |"),
    ]


def _pdf(path: Path, pages: list[list[str]]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Test manual")
    pdf.set_font("Helvetica", size=10)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_blocks_carry_their_page(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "m.pdf", [["Test manual", "1 Scope", "Covers PRS-01."], ["2 Oil change", "1. Drain."]])
    document = load_document(path)
    assert document.page_count == 2
    assert document.title_hint == "Test manual"
    # The title printed on page 1 is dropped: it is the citation's title already.
    assert list(document.blocks) == [
        Block("heading", "1 Scope", 1, 1),
        Block("paragraph", "Covers PRS-01.", 1),
        Block("heading", "2 Oil change", 2, 1),
        Block("step", "1. Drain.", 2),
    ]


def test_pdf_pages_are_read_lazily(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "m.pdf", [["1 A", "x"], ["2 B", "y"]])
    blocks = load_document(path).blocks
    assert not isinstance(blocks, list)
    assert next(iter(blocks)) == Block("heading", "1 A", 1, 1)


def test_docx_styles_tables_and_page_breaks(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.core_properties.title = "Bore inspection"
    document.core_properties.version = "2.1"
    document.core_properties.category = "quality_spec"
    document.add_heading("1 Characteristics", level=1)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([["Characteristic", "USL"], ["CH-PH40-BORE", "42.025"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_page_break()
    document.add_heading("2 Measurement", level=1)
    document.add_paragraph("Clean the part.", style="List Number")
    document.add_paragraph("Measure on CMM-01.", style="List Number")
    document.save(str(tmp_path / "spec.docx"))

    loaded = load_document(tmp_path / "spec.docx")
    assert loaded.title_hint == "Bore inspection"
    assert loaded.meta == {"version": "2.1", "doc_type": "quality_spec"}
    assert list(loaded.blocks) == [
        Block("heading", "1 Characteristics", 1, 1),
        Block("table", "| Characteristic | USL |\n| CH-PH40-BORE | 42.025 |", 1),
        Block("heading", "2 Measurement", 2, 1),
        Block("step", "Clean the part.", 2),
        Block("step", "Measure on CMM-01.", 2),
    ]


def test_sidecar_metadata_wins(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Some text.", encoding="utf-8")
    (tmp_path / "notes.txt.meta.yaml").write_text("id: TG-X\naccess_level: engineer\n", encoding="utf-8")
    assert load_document(path).meta == {"id": "TG-X", "access_level": "engineer"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"", "empty.md: empty file"),
        ("drawing.dwg", b"AC1032", "drawing.dwg: unsupported file type .dwg"),
        ("broken.pdf", b"%PDF-1.7\nthis is not really a pdf", "broken.pdf: corrupt or unreadable PDF"),
        ("broken.docx", b"PK\x03\x04 not a zip", "broken.docx: corrupt or unreadable DOCX"),
        ("latin1.txt", "Temperatur 60 °C".encode("latin-1"), "latin1.txt: not UTF-8 text"),
    ],
)
def test_bad_files_raise_one_line_knowledge_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(KnowledgeError) as info:
        list(load_document(path).blocks)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
