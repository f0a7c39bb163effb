"""`andon demo --no-ui`: the medium plant and the demo documents, each only once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]


def run_demo(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "demo", "--no-ui"],
        cwd=cwd,
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_seeds_the_medium_plant_and_ingests_the_documents_once(tmp_path: Path) -> None:
    first = run_demo(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Seeded the medium demo plant (seed 7)" in first.stdout
    assert "240,541 rows" in first.stdout
    assert "36 added, 0 updated, 0 unchanged, 0 failed" in first.stdout
    assert (tmp_path / ".andon" / "plant.db").exists()

    second = run_demo(tmp_path)
    assert second.returncode == 0, second.stderr
    assert "Demo plant present / 演示工厂已存在: 240,541 rows, scale medium, seed 7" in second.stdout
    assert "0 added, 0 updated, 36 unchanged, 0 failed" in second.stdout
    assert 'andon ask "2号线昨天的OEE是多少？"' in second.stdout
