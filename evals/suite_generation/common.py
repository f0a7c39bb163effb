"""Shared vocabulary of the suite generators: entity names and time expressions in both languages."""

from __future__ import annotations

from typing import Any

__all__ = ["LINES", "PERIODS", "case", "line_names", "period_names"]

# code -> (English name, Chinese name)
LINES: dict[str, tuple[str, str]] = {
    "L1": ("line 1", "1号线"),
    "L2": ("line 2", "2号线"),
    "L3": ("line 3", "3号线"),
    "L4": ("line 4", "4号线"),
}

# canonical expression (what gold functions resolve) -> (English phrase, Chinese phrase)
PERIODS: dict[str, tuple[str, str]] = {
    "yesterday": ("yesterday", "昨天"),
    "last week": ("last week", "上周"),
    "this month": ("this month", "本月"),
    "past 7 days": ("over the past 7 days", "最近7天"),
    "last 30 days": ("over the last 30 days", "最近30天"),
}


def line_names(code: str) -> list[str]:
    """Values a tool may receive for a line (BFCL allowed values)."""
    en, zh = LINES[code]
    return [code, en.title(), en, zh]


def period_names(canonical: str) -> list[str]:
    """Values a tool may receive for a period: the canonical form and both phrases."""
    en, zh = PERIODS[canonical]
    return list(dict.fromkeys([canonical, en, zh, en.replace("over the ", "")]))


def case(case_id: str, text: str, lang: str, level: str, expect: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A case mapping in the suite schema (fields with defaults are left out)."""
    found: dict[str, Any] = {"id": case_id, "input": text, "lang": lang, "level": level}
    found.update({k: v for k, v in extra.items() if v is not None})
    found["expect"] = expect
    return found
