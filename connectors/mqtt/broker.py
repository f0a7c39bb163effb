"""A local Mosquitto broker on 127.0.0.1 (Debian's `mosquitto`), for `andon demo --live` and the tests.

Persistence is on, so a broker that is stopped and started again still holds the sessions and the
QoS 1 messages it had queued for them. Started as root, mosquitto would drop to its own user and
could then neither write its persistence file nor its log under `folder` (losing every session on a
restart without a word), so it is told to keep running as the user who started it.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from connectors.live.errors import SourceUnavailableError

__all__ = ["LocalBroker", "find_mosquitto"]

_CANDIDATES = ("/usr/sbin/mosquitto", "/usr/bin/mosquitto")


def find_mosquitto() -> str | None:
    """The mosquitto executable, if installed."""
    found = shutil.which("mosquitto")
    if found:
        return found
    return next((c for c in _CANDIDATES if Path(c).exists()), None)


def _stop_with_parent() -> None:
    """In the broker's process before exec: the kernel sends it SIGTERM when Andon dies, however it dies,
    so no broker is left holding the port and the persistence folder (a graceful stop saves its sessions)."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _current_user() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


class LocalBroker:
    """mosquitto listening on 127.0.0.1:`port`, with its config, persistence and log under `folder`."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 10.0) -> None:
        executable = find_mosquitto()
        if executable is None:
            raise SourceUnavailableError("mosquitto is not installed (apt-get install mosquitto)")
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "mosquitto.conf"
        config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {self.folder}/\nautosave_interval 1\nmax_queued_messages 0\n"
            f"log_dest file {self.folder}/mosquitto.log\nuser {_current_user()}\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [executable, "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SourceUnavailableError(f"mosquitto exited at start (see {self.folder / 'mosquitto.log'})")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
            except OSError:
                time.sleep(0.1)
                continue
            if not self.log.exists():  # it could not write its folder: no persistence either
                self.stop()
                raise SourceUnavailableError(f"mosquitto cannot write to {self.folder} (no persistence, no log)")
            return
        self.stop()
        raise SourceUnavailableError(f"mosquitto did not listen on 127.0.0.1:{self.port} within {timeout_s:.0f} s")

    @property
    def log(self) -> Path:
        return self.folder / "mosquitto.log"

    def stop(self) -> None:
        """Stop the broker (it saves its persistence file on the way out)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
