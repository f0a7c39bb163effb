"""`andon db seed` / `andon db info`: output, refusal, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import main


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory with no ANDON_* settings leaking in from the environment."""
    for name in list(os.environ):
        if name.startswith("ANDON_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    code = exited.value.code
    return code if isinstance(code, int) else 1


def test_seed_then_info_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("db", "seed", "--scale", "small", "--seed", "7") == 0
    out = capsys.readouterr().out
    assert "Seeded the small demo plant (seed 7)" in out
    assert "plant clock / 工厂时钟 2026-11-20 06:00" in out
    assert (workdir / ".andon" / "plant.db").is_file()

    assert run("db", "info", "--json") == 0
    info = json.loads(capsys.readouterr().out)
    assert info["plant_clock"] == "2026-11-20T06:00:00"
    assert (info["scale"], info["seed"]) == ("small", 7)
    assert info["row_counts"]["line"] == 4
    assert info["row_counts"]["production_count"] == 11_640
    assert info["total_rows"] == sum(info["row_counts"].values())


def test_reseed_without_force_is_refused_and_leaves_the_data(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("db", "seed", "--scale", "small", "--seed", "7") == 0
    database = workdir / ".andon" / "plant.db"
    capsys.readouterr()
    assert run("db", "info", "--json") == 0
    before = json.loads(capsys.readouterr().out)

    assert run("db", "seed", "--scale", "small", "--seed", "8") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: SQLite file ")
    assert "already holds a plant; use --force to replace it" in err
    assert len(err.splitlines()) == 1
    assert database.is_file()

    assert run("db", "info", "--json") == 0
    assert json.loads(capsys.readouterr().out) == before

    assert run("db", "seed", "--scale", "small", "--seed", "8", "--force") == 0
    capsys.readouterr()
    assert run("db", "info", "--json") == 0
    assert json.loads(capsys.readouterr().out)["seed"] == 8


def test_unknown_scale_is_a_usage_error_and_creates_nothing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("db", "seed", "--scale", "nonsense") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: Invalid value for '--scale'")
    assert "'nonsense' is not one of 'small', 'medium', 'large'" in err
    assert "Traceback" not in err
    assert not (workdir / ".andon").exists()


def test_unreadable_config_is_one_line(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "andon.toml").write_text("database_url = [unterminated\n", encoding="utf-8")
    assert run("db", "info") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ")
    assert "andon.toml: not valid TOML" in err
    assert len(err.splitlines()) == 1


def test_unreachable_postgres_names_the_host_not_the_password(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANDON_DATABASE_URL", "postgresql+psycopg://andon:top-secret@127.0.0.1:1/andon")
    assert run("db", "seed", "--scale", "small") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot connect to postgresql at 127.0.0.1:1/andon:")
    assert "top-secret" not in err
    assert len(err.splitlines()) == 1


def test_info_without_a_plant_says_how_to_make_one(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("db", "info") == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "error: the database holds no plant yet, run: andon db seed / 数据库中还没有工厂数据，请先运行 andon db seed"
    )


def test_console_script_rejects_a_bad_scale_without_traceback(workdir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from ui.cli import main; main()", "db", "seed", "--scale", "nonsense"],
        capture_output=True,
        text=True,
        cwd=workdir,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("error: Invalid value for '--scale'")
    assert not (workdir / ".andon").exists()
