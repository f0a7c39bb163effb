"""Fixtures of the knowledge tests: a real `chroma run` server, store configs, a cheap embedding function."""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from knowledge import DocumentIndex, KnowledgeConfig
from knowledge.store import open_chroma

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@register_embedding_function
class HashEmbeddingFunction(EmbeddingFunction[Documents]):
    """Character-trigram hashing into 64 dimensions: deterministic, instant, good enough for ingestion tests."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        import numpy as np

        out = []
        for text in input:
            vector = [0.0] * 64
            padded = f"  {text.lower()}  "
            for i in range(len(padded) - 2):
                vector[hashlib.md5(padded[i : i + 3].encode()).digest()[0] % 64] += 1.0
            norm = math.sqrt(sum(x * x for x in vector)) or 1.0
            out.append(np.asarray([x / norm for x in vector], dtype=np.float32))
        return out

    @staticmethod
    def name() -> str:
        return "andon-test-hash"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashEmbeddingFunction:
        return HashEmbeddingFunction()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("ANDON_TEST_REQUIRE_SERVERS") == "1":
        pytest.fail(f"Chroma server required but {reason}")
    pytest.skip(f"Chroma server not available: {reason}")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real `chroma run` server on 127.0.0.1, stopped after the session."""
    chroma = shutil.which("chroma")
    if chroma is None:
        _unavailable("the `chroma` command is not installed")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("wb")
    process = subprocess.Popen(
        [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path / "data")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                _unavailable(f"`chroma run` did not come up (see {path / 'server.log'})")
            time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


_collection_counter = iter(range(1_000_000))


@pytest.fixture(params=["embedded", "server"])
def store_config(request: pytest.FixtureRequest, tmp_path: Path) -> KnowledgeConfig:
    """A fresh, empty store: the embedded PersistentClient, then a collection on the Chroma server."""
    if request.param == "embedded":
        return KnowledgeConfig(persist_dir=tmp_path / "knowledge")
    url = request.getfixturevalue("chroma_server")
    # One server for the session: every test gets its own collection name.
    return KnowledgeConfig(
        persist_dir=tmp_path / "knowledge",
        chroma_url=url,
        collection=f"test{next(_collection_counter):05d}x{os.getpid()}",
    )


IndexFactory = Callable[..., DocumentIndex]


@pytest.fixture
def make_index() -> IndexFactory:
    """Open a DocumentIndex on a config with the instant hash embedding function (or a given one)."""

    def make(config: KnowledgeConfig, embedding_function: Any = None) -> DocumentIndex:
        return DocumentIndex(config, open_chroma(config), embedding_function or HashEmbeddingFunction())

    return make


@pytest.fixture
def markdown_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a Markdown document with front matter into `tmp_path/docs` and return its path."""

    def write(name: str, body: str, **meta: Any) -> Path:
        fields = {"type": "sop", "version": "1", **meta}
        head = "\n".join(f"{key}: {value}" for key, value in fields.items())
        folder = tmp_path / "docs"
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(f"---\n{head}\n---\n{body}", encoding="utf-8")
        return path

    return write
