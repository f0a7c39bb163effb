"""Several console worker processes serving one plant, on consecutive ports of one host.

Gradio keeps a page's live connection in the process that served it, so workers are separate
processes (`andon ui` each) and a load balancer in front of them keeps a browser on one worker while
its page is open (sticky sessions; see deploy/). Everything they must agree on lives in the plant
database and the Chroma server, so a browser moved to another worker finds its sign-in, its
conversation and every proposal there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ui.config import ConfigError

__all__ = ["Worker", "start_workers", "stop_workers", "wait_until_answering"]


@dataclass
class Worker:
    """One console process and the address it serves."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path | None = None


def wait_until_answering(workers: list[Worker], timeout_s: float = 900.0) -> None:
    """Return once every worker answers HTTP; a worker that exits or stays silent is one ConfigError."""
    deadline = time.monotonic() + timeout_s
    for worker in workers:
        while True:
            code = worker.process.poll()
            if code is not None:
                where = f" (see {worker.log})" if worker.log else ""
                raise ConfigError(f"console worker {worker.url} exited with code {code}{where}")
            try:
                with urllib.request.urlopen(worker.url, timeout=5):
                    break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise ConfigError(f"console worker {worker.url} did not answer within {timeout_s:.0f} s") from None
                time.sleep(0.5)


def start_workers(
    count: int,
    *,
    host: str,
    port: int,
    env: Mapping[str, str] | None = None,
    log_dir: Path | None = None,
    cwd: Path | None = None,
) -> list[Worker]:
    """Start `count` console processes on `port`, `port + 1`, ... (each `andon ui`); not yet waited for."""
    if count < 1:
        raise ConfigError(f"--workers must be at least 1, got {count}")
    workers = []
    for index in range(count):
        at = port + index
        log = log_dir / f"worker-{index + 1}.log" if log_dir is not None else None
        output = log.open("wb") if log is not None else subprocess.DEVNULL
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "ui", "--host", host, "--port", str(at)],
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
        )
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        workers.append(Worker(url=f"http://{shown}:{at}/", process=process, log=log))
    return workers


def stop_workers(workers: list[Worker], timeout_s: float = 30.0) -> None:
    """Stop the workers started here (SIGTERM, then SIGKILL after `timeout_s`)."""
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.terminate()
    for worker in workers:
        try:
            worker.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=timeout_s)
