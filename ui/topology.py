"""The scale-out topology on one machine, on 127.0.0.1: a fresh database on a PostgreSQL server with
the demo plant, a `chroma run` server, and N console workers, each with a data home of its own (so
nothing is shared through local files). `deploy/compose.yaml` runs the same pieces in containers; the
`scale_out` tests and `benchmarks/scale_out.py` run against this one.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from ui.config import ConfigError
from ui.workers import Worker, start_workers, stop_workers, wait_until_answering

__all__ = ["LocalTopology", "free_port"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _consecutive_free_ports(count: int) -> int:
    for _ in range(50):
        start = free_port()
        if start + count > 65535:
            continue
        try:
            for offset in range(count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", start + offset))
        except OSError:
            continue
        return start
    raise ConfigError(f"no {count} consecutive free ports on 127.0.0.1")


@dataclass
class LocalTopology:
    """Start with `with LocalTopology(server_url) as topology:`; `server_url` is a PostgreSQL URL whose
    user may create databases. The database, the Chroma data and the workers are removed afterwards."""

    server_url: str
    workers: int = 2
    scale: str = "small"
    seed: int = 7
    keep: bool = False
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="andon-scale-out-")))
    database_url: str = ""
    chroma_url: str = ""
    started: list[Worker] = field(default_factory=list)
    _chroma: subprocess.Popen[bytes] | None = None
    _database: str = ""

    @property
    def urls(self) -> list[str]:
        return [worker.url for worker in self.started]

    def worker_env(self, index: int) -> dict[str, str]:
        """The environment of worker `index` (also what a CLI call "on that worker" uses)."""
        return {
            "ANDON_DATABASE_URL": self.database_url,
            "ANDON_CHROMA_URL": self.chroma_url,
            "ANDON_DATA_HOME": str(self.root / f"worker-{index + 1}"),
            "ANDON_SHARED_STATE": "database",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "ANONYMIZED_TELEMETRY": "False",
            "HF_HUB_OFFLINE": "1",
        }

    def __enter__(self) -> LocalTopology:
        try:
            self._create_database()
            self._start_chroma()
            self._start_workers()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _create_database(self) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from connectors import DatabaseConfig, open_engine, seed_plant

        url = make_url(self.server_url)
        if url.drivername in {"postgresql", "postgres"}:
            url = url.set(drivername="postgresql+psycopg")
        self._database = f"andon_scale_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._database}"'))
        finally:
            admin.dispose()
        self.database_url = url.set(database=self._database).render_as_string(hide_password=False)
        engine = open_engine(DatabaseConfig(url=self.database_url))
        try:
            seed_plant(engine, scale=self.scale, seed=self.seed)
        finally:
            engine.dispose()

    def _start_chroma(self) -> None:
        beside = Path(sys.executable).with_name("chroma")  # the chromadb installed with Andon
        chroma = str(beside) if beside.exists() else shutil.which("chroma")
        if chroma is None:
            raise ConfigError("the `chroma` command is not installed (pip install chromadb)")
        port = free_port()
        log = (self.root / "chroma.log").open("wb")
        self._chroma = subprocess.Popen(
            [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(self.root / "chroma")],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        self.chroma_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{self.chroma_url}/api/v2/heartbeat", timeout=2):
                    return
            except OSError:
                if self._chroma.poll() is not None or time.monotonic() > deadline:
                    raise ConfigError(f"`chroma run` did not come up (see {self.root / 'chroma.log'})") from None
                time.sleep(0.3)

    def _start_workers(self) -> None:
        port = _consecutive_free_ports(self.workers)
        for index in range(self.workers):
            env = self.worker_env(index)
            Path(env["ANDON_DATA_HOME"]).mkdir(parents=True, exist_ok=True)
            self.started.extend(
                start_workers(1, host="127.0.0.1", port=port + index, env=env, log_dir=Path(env["ANDON_DATA_HOME"]))
            )
        wait_until_answering(self.started)

    def close(self) -> None:
        """Stop what was started here and drop the database (unless `keep`)."""
        stop_workers(self.started)
        if self._chroma is not None and self._chroma.poll() is None:
            self._chroma.terminate()
            try:
                self._chroma.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._chroma.kill()
        if self._database and not self.keep:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            url = make_url(self.server_url)
            if url.drivername in {"postgresql", "postgres"}:
                url = url.set(drivername="postgresql+psycopg")
            admin = create_engine(url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)'))
            finally:
                admin.dispose()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    """`python -m ui.topology --server URL [--workers 2] [--out topology.json]`: start the topology, write
    where its pieces are to `--out` once every worker answers, and serve until SIGTERM / Ctrl+C."""
    import argparse
    import json
    import signal

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--server", default=os.environ.get("ANDON_TEST_POSTGRES_URL"), help="PostgreSQL server URL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", default="small", choices=["small", "medium"])
    parser.add_argument("--out", type=Path, help="write the topology (JSON) here once it is up")
    args = parser.parse_args(argv)
    if not args.server:
        raise SystemExit("error: --server (or ANDON_TEST_POSTGRES_URL) names the PostgreSQL server")
    stop = {"now": False}

    def request_stop(signum: int, frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with LocalTopology(args.server, workers=args.workers, scale=args.scale) as topology:
        described = {
            "database_url": topology.database_url,
            "chroma_url": topology.chroma_url,
            "workers": topology.urls,
            "worker_env": [topology.worker_env(i) for i in range(args.workers)],
        }
        if args.out:
            partial = args.out.with_name(args.out.name + ".partial")
            partial.write_text(json.dumps(described, indent=2), encoding="utf-8")
            partial.replace(args.out)  # appears whole, so a reader never sees half of it
        print(f"scale-out topology up: {', '.join(topology.urls)}", flush=True)
        while not stop["now"] and all(w.process.poll() is None for w in topology.started):
            time.sleep(0.5)
    if args.out:
        args.out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
