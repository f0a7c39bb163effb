"""The documentation site: `mkdocs build --strict` passes in both languages, and what the pages say matches the code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = ["index", "operator", "plugins", "evaluator", "integrator", "kpi"]


def _mkdocs() -> str:
    found = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which("mkdocs")
    if found is None:
        if os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1":
            pytest.fail('mkdocs is not installed (pip install -e ".[docs]")')
        pytest.skip('mkdocs is not installed (pip install -e ".[docs]")')
    return found


@pytest.mark.slow
def test_strict_build_writes_both_languages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [_mkdocs(), "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for page in PAGES[1:]:
        english = (site / page / "index.html").read_text(encoding="utf-8")
        chinese = (site / "zh" / page / "index.html").read_text(encoding="utf-8")
        assert '<html lang="en"' in english
        assert '<html lang="zh"' in chinese
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert "check_tool" in api
    assert "openai_fallback" in api
    # Screenshots are copied next to the pages that show them.
    assert (site / "assets" / "screenshots" / "console-proposal-card.png").stat().st_size > 10_000


def test_every_page_has_a_chinese_translation() -> None:
    for page in PAGES:
        text = (DOCS / f"{page}.zh.md").read_text(encoding="utf-8")
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 300, page


def _cli_paths() -> set[str]:
    from ui.cli import app

    paths: set[str] = set()

    def walk(command: Any, path: str) -> None:
        paths.add(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "andon")
    return paths


def test_every_andon_command_in_the_docs_exists() -> None:
    paths = _cli_paths()
    mentioned: set[str] = set()
    for page in DOCS.glob("*.md"):
        for words in re.findall(r"\bandon((?: [a-z][a-z-]+)+)", page.read_text(encoding="utf-8")):
            candidate = "andon"
            for word in words.split():
                if f"{candidate} {word}" not in paths:
                    break
                candidate = f"{candidate} {word}"
            mentioned.add(candidate)
    assert {"andon eval run", "andon config init", "andon proposals approve", "andon mcp serve"} <= mentioned
    # Every command line of a code block starts with a real command (a group alone is not one).
    text = "\n".join(page.read_text(encoding="utf-8") for page in DOCS.glob("*.md"))
    leaves = {path for path in paths if not any(other.startswith(path + " ") for other in paths)}
    for line in re.findall(r"^(?:[A-Z_]+=\S+ )*(andon [^\n]*)", text, flags=re.MULTILINE):
        if line.startswith("andon --version"):
            continue
        words = line.split()
        assert any(" ".join(words[:n]) in leaves for n in (2, 3)), line


def test_kpi_worked_example_is_what_the_oee_tool_computes(small_plant_engine: Engine) -> None:
    from tools.builtin.oee import get_oee
    from tools.testing import context_for

    with Session(small_plant_engine) as session:
        ctx = context_for(session, clock=__import__("datetime").datetime(2026, 11, 20, 6, 0))
        result = get_oee.call(ctx, get_oee.validate_args({"target": "L2", "period": "yesterday"}))
    figures = json.loads(result.model_dump_json())["figures"]
    page = (DOCS / "kpi.md").read_text(encoding="utf-8")
    for key in ("oee", "availability", "performance", "quality", "nee"):
        assert f"{figures[key]:.6f}" in page, key
    for key in ("unplanned_downtime_h", "setup_h", "ideal_run_h"):
        assert f"{figures[key]:g}" in page, key
    assert f"{figures['good']} / {figures['produced']}" in page
    assert figures["oee"] == pytest.approx(0.810417)
