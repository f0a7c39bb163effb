"""Which language a request is written in: Chinese as soon as it contains CJK characters, else English."""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["Language", "detect_language", "has_cjk"]

Language = Literal["en", "zh"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    """True when `text` contains at least one CJK ideograph."""
    return _CJK.search(text) is not None


def detect_language(text: str) -> Language:
    """`zh` for a request with Chinese characters ("L2昨天的OEE"), else `en`."""
    return "zh" if has_cjk(text) else "en"
