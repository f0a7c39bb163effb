"""A running operator console on 127.0.0.1 over a copy of the small demo plant, and a headless
Chromium driven by Playwright (Debian's /usr/bin/chromium; nothing is downloaded)."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PUBLIC_DOC = """---
id: SOP-TEST-HOIST
title: Overhead hoist daily check
type: sop
language: en
version: "1.0"
access_level: operator
lines: [L2]
---
# Overhead hoist daily check

## 1 Before the first lift
1. Check the hoist chain HC-7731 for twisted links.
2. Press the pendant emergency stop; the hoist must not move.
"""

ENGINEER_DOC = """---
id: MM-TEST-SERVO
title: Servo tuning parameters for the turret
type: maintenance_manual
language: en
version: "3.1"
access_level: engineer
---
# Servo tuning parameters for the turret

## 2 Gain table
The turret servo gain code ZX-4417 must stay between 42 and 48 after tuning.
"""


def servers_required() -> bool:
    return os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningConsole:
    url: str
    data_home: Path
    settings: Any
    app: Any


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots land here: $ANDON_TEST_ARTIFACTS (CI keeps it) or a temporary folder."""
    configured = os.environ.get("ANDON_TEST_ARTIFACTS")
    path = Path(configured) if configured else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory, small_plant_path: Path) -> Iterator[RunningConsole]:
    """The console with sign-in on, over a copy of the small plant and two test documents."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from knowledge import open_document_index
    from ui.config import AndonSettings
    from ui.console import launch_console
    from ui.system import knowledge_config

    home = tmp_path_factory.mktemp("console_home")
    shutil.copy(small_plant_path, home / "plant.db")
    settings = AndonSettings(data_home=home, ui_auth=True)
    docs = home / "docs"
    docs.mkdir()
    (docs / "hoist.md").write_text(PUBLIC_DOC, encoding="utf-8")
    (docs / "servo.md").write_text(ENGINEER_DOC, encoding="utf-8")
    report = open_document_index(knowledge_config(settings)).ingest([docs])
    assert len(report.added) == 2, report.lines()
    port = free_port()
    app = launch_console(settings, host="127.0.0.1", port=port, block=False)
    yield RunningConsole(url=f"http://127.0.0.1:{port}/", data_home=home, settings=settings, app=app)
    app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API holds an event loop open, which asyncio.run elsewhere refuses."""
    if not CHROMIUM.exists():
        if servers_required():
            pytest.fail("ANDON_TEST_REQUIRE_SERVERS=1 but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, console: RunningConsole) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    context.set_default_timeout(180_000)  # a machine busy with other work answers slowly, not wrongly
    opened = context.new_page()
    opened.goto(console.url)
    yield opened
    context.close()


@pytest.fixture
def worker_cases(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the cases handed to eval worker processes (recorded in this, the main, process)."""
    from evals.workers import ProcessExecutor

    played: list[str] = []
    original = ProcessExecutor.run

    async def run(self: ProcessExecutor, case: Any, attempt: int) -> Any:
        played.append(case.id)
        return await original(self, case, attempt)

    monkeypatch.setattr(ProcessExecutor, "run", run)
    return played


@pytest.fixture
def andon_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `andon ARGS...` in this process: (exit code, stdout, stderr)."""
    from ui.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        return int(exited.value.code or 0), out, err

    return run
