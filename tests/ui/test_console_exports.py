"""The console's browser-side helpers: CSV file names, the CSV button's visibility, the language keys."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.console.exports import FIRST_VISIT_LANGUAGE_JS, REMEMBER_LANGUAGE_JS, csv_download_js, has_rows
from ui.console.i18n import t


def test_csv_download_names_the_file_and_quotes_by_rfc_4180() -> None:
    js = csv_download_js("andon-data.csv")
    assert 'link.download = "andon-data.csv"' in js
    assert "\\ufeff" in js  # UTF-8 byte order mark, for spreadsheet programs
    assert 'replace(/"/g, \'""\')' in js


@pytest.mark.parametrize("name", ["data.txt", 'a".csv', "../x.csv", "a'b.csv"])
def test_csv_download_refuses_other_names(name: str) -> None:
    with pytest.raises(ValueError, match="CSV file name"):
        csv_download_js(name)


def test_the_csv_button_shows_only_with_rows() -> None:
    assert has_rows(pd.DataFrame({"reason": ["D-401"], "minutes": [961]}))["visible"] is True
    assert has_rows(pd.DataFrame({"reason": []}))["visible"] is False
    assert has_rows(None)["visible"] is False


def test_first_visit_and_remembered_language_share_one_key() -> None:
    assert 'getItem("andon-console-language")' in FIRST_VISIT_LANGUAGE_JS
    assert 'setItem("andon-console-language", choice)' in REMEMBER_LANGUAGE_JS
    assert 'startsWith("zh") ? "zh" : "en"' in FIRST_VISIT_LANGUAGE_JS


def test_download_label_in_both_languages() -> None:
    assert (t("en", "download_csv"), t("zh", "download_csv")) == ("Download CSV", "下载 CSV")
