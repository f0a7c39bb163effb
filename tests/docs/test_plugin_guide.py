"""The plugin guide's Python examples run as written: the "try it" script and the conformance-kit test class."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE, flags=re.DOTALL)


def _block(starting: str) -> str:
    (found,) = [block for block in BLOCKS if block.startswith(starting)]
    return found


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANDON_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "examples" / "andon-plugin-example")])
    return env


def test_the_try_it_script_prints_the_alarm_count(tmp_path: Path, small_plant_path: Path) -> None:
    (tmp_path / ".andon").mkdir()
    shutil.copy(small_plant_path, tmp_path / ".andon" / "plant.db")
    shutil.copy(ROOT / "docs" / "snippets" / "alarm_count.py", tmp_path / "alarm_count.py")
    (tmp_path / "try_it.py").write_text(_block("from sqlmodel import Session"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "try_it.py"], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == "CNC-03: 286 alarms\n"


def test_the_conformance_kit_example_collects_and_passes_six_tests(tmp_path: Path) -> None:
    (tmp_path / "test_energy_kit.py").write_text(_block("from datetime import datetime"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "6 passed" in done.stdout
