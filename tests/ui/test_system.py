"""`ui.system`: the document search tools receive opens the index only when it has something to read."""

from __future__ import annotations

from pathlib import Path

from ui.config import AndonSettings
from ui.system import document_search


def test_listing_documents_of_a_home_without_a_store_creates_none(tmp_path: Path) -> None:
    settings = AndonSettings(data_home=tmp_path / "home")
    documents = document_search(settings)
    assert documents is not None
    assert documents.list_documents() == []  # type: ignore[attr-defined]
    assert not (tmp_path / "home" / "knowledge").exists()
