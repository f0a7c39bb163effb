"""What the console does in the browser alone: the first visit's language, CSV downloads of tables.

These run as Gradio front-end functions (`js=`), so a table's rows go from the page to the user's
disk without another round trip, and nothing is written on the server.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

__all__ = ["FIRST_VISIT_LANGUAGE_JS", "REMEMBER_LANGUAGE_JS", "csv_download_js", "has_rows"]

_LANGUAGE_KEY = "andon-console-language"

#: The language of a first visit follows the browser's locale (zh-* -> zh, anything else -> en);
#: later visits keep the user's last choice.
FIRST_VISIT_LANGUAGE_JS = f"""
() => {{
  const saved = window.localStorage.getItem("{_LANGUAGE_KEY}");
  if (saved === "en" || saved === "zh") return saved;
  const locales = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  return String(locales[0] || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}}
"""

REMEMBER_LANGUAGE_JS = f"""
(choice) => {{
  if (choice === "en" || choice === "zh") window.localStorage.setItem("{_LANGUAGE_KEY}", choice);
  return choice;
}}
"""

# RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF between records.
# The UTF-8 byte order mark lets spreadsheet programs read Chinese text correctly.
_CSV_JS = """
(table) => {
  const value = table || {};
  const plain = (v) => (v && typeof v === "object" && "value" in v ? v.value : v);
  const headers = (value.headers || []).map(plain);
  const rows = (value.data || []).map((row) => row.map(plain));
  const field = (v) => {
    const text = v === null || v === undefined ? "" : String(v);
    return /[",\\r\\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  };
  const lines = [headers, ...rows].map((row) => row.map(field).join(","));
  const blob = new Blob(["\\ufeff" + lines.join("\\r\\n") + "\\r\\n"], { type: "text/csv;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "__FILE_NAME__";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return [];
}
"""


def csv_download_js(file_name: str) -> str:
    """The front-end function that downloads the table given as its input as `file_name`."""
    if not file_name.endswith(".csv") or any(c in file_name for c in "\"'\\/"):
        raise ValueError(f"not a plain CSV file name: {file_name!r}")
    return _CSV_JS.replace("__FILE_NAME__", file_name)


def has_rows(value: Any) -> Any:
    """Show a table's CSV button only while the table holds rows."""
    rows = len(value) if isinstance(value, pd.DataFrame) else len(value or [])
    return gr.update(visible=rows > 0)
