"""Starting the console: the address is printed only once it answers; a taken port is one clear line."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from ui.cli import main
from ui.config import AndonSettings, ConfigError
from ui.console.server import check_port, console_url, launch_console


class _TinyBackend:
    """Enough of the console backend to draw the page; nothing is asked in these tests."""

    auth_required = True
    settings = SimpleNamespace(live_mapping=None)  # no live data: no live panel

    def example_questions(self) -> list[str]:
        return ["2号线昨天的OEE是多少？"]

    def eval_suites(self) -> list[str]:
        return ["analysis"]

    def eval_runs(self) -> list[str]:
        return []

    def browser_secret(self) -> str:
        return "tiny-backend-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("ANDON_DATA_HOME", "ANDON_UI_PORT", "ANDON_UI_HOST", "ANDON_UI_AUTH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _answers(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=30) as response:
        return int(response.status) == 200


def _andon(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_the_url_is_handed_over_only_once_the_console_answers(tmp_path: Path) -> None:
    port = _free_port()
    seen: list[tuple[str, bool]] = []
    app = launch_console(
        AndonSettings(data_home=tmp_path),
        host="127.0.0.1",
        port=port,
        backend=_TinyBackend(),
        block=False,
        on_ready=lambda url: seen.append((url, _answers(url))),  # asked right then, no retry
    )
    try:
        assert seen == [(f"http://127.0.0.1:{port}/", True)]
    finally:
        app.close()


def test_andon_ui_prints_its_address_when_it_answers(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gradio as gr

    import ui.cli.ui_cmd

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    printed: list[tuple[str, bool]] = []

    class Recorder(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:
            text = " ".join(str(item) for item in objects)
            printed.append((text, _answers(url) if url in text else False))

    monkeypatch.setattr(ui.cli.ui_cmd, "console", Recorder())
    monkeypatch.setattr("ui.console.server.build_backend", lambda settings, model=None: _TinyBackend())
    monkeypatch.setattr(gr.Blocks, "block_thread", lambda self: self.close())  # stop serving at once
    code, _, err = _andon(capsys, "ui", "--port", str(port))
    assert (code, err) == (0, "")
    assert printed == [
        ("Starting the operator console … / 正在启动操作员控制台 …", False),
        (f"Andon console on {url}  (Ctrl+C to stop / 按 Ctrl+C 停止)", True),
    ]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_taken_port_is_one_line_naming_both_ways_to_choose_another(
    workdir: Path, taken_port: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "option":
        code, out, err = _andon(capsys, "ui", "--port", str(taken_port))
    else:
        monkeypatch.setenv("ANDON_UI_PORT", str(taken_port))
        code, out, err = _andon(capsys, "ui")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"error: port {taken_port} on 127.0.0.1 is already in use")
    assert "--port" in err
    assert "ANDON_UI_PORT" in err
    assert "Traceback" not in err


def test_demo_checks_the_port_before_seeding(
    workdir: Path, taken_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _andon(capsys, "demo", "--port", str(taken_port))
    assert code == 2
    assert err.startswith(f"error: port {taken_port} on 127.0.0.1 is already in use")
    assert "Seeding" not in out
    assert not (workdir / ".andon" / "plant.db").exists()


def test_a_port_taken_after_the_check_is_the_same_one_line(
    tmp_path: Path, taken_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another program may take the port while the console loads: the server's own failure says the same.
    monkeypatch.setattr("ui.console.server.check_port", lambda host, port: None)
    with pytest.raises(
        ConfigError,
        match=rf"port {taken_port} on 127.0.0.1 is already in use; choose another with --port or ANDON_UI_PORT",
    ):
        launch_console(
            AndonSettings(data_home=tmp_path), host="127.0.0.1", port=taken_port, backend=_TinyBackend(), block=False
        )


def test_check_port_and_the_address_shown() -> None:
    check_port("127.0.0.1", _free_port())
    with pytest.raises(ConfigError, match="cannot resolve the console address"):
        check_port("no-such-host.invalid", 7860)
    assert console_url("0.0.0.0", 7860) == "http://127.0.0.1:7860/"
    assert console_url("::1", 8080) == "http://[::1]:8080/"
    assert console_url("10.1.2.3", 80) == "http://10.1.2.3:80/"
