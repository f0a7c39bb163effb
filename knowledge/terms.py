"""Tokenisation for BM25: jieba for Chinese, lower-cased words for English, codes kept whole.

Alarm codes and part numbers ("E-217", "PN-4471", "CNC-03") are the terms operators search for
and the ones dense retrieval misses, so they become single tokens; the hyphen is dropped so that
"E217" and "E-217" match.
"""

from __future__ import annotations

import logging
import re

__all__ = ["tokenize"]

_CODE = re.compile(r"[A-Za-z]{1,6}-?\d[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*|\d+(?:\.\d+)?")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z']+")

_ENGLISH_STOP = (
    "a an and are as at be by do does for from how i if in is it of on or the to what when which "
    "who why with my our your this that these those can should must will shall not no"
)
_STOP = frozenset(
    _ENGLISH_STOP.split(" ")
    + list("的了是在和与及或把被对要请吗呢吧啊")
    + ["怎么", "如何", "什么", "哪些", "一个", "进行", "时候"]
)

_jieba_ready = False


def _jieba_cut(text: str) -> list[str]:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        # jieba prints its dictionary loading to stderr through logging.
        jieba.setLogLevel(logging.WARNING)
        _jieba_ready = True
    return [t for t in jieba.lcut_for_search(text) if t.strip()]


def tokenize(text: str) -> list[str]:
    """BM25 tokens of a query or passage."""
    tokens: list[str] = []
    for code in _CODE.findall(text):
        tokens.append(code.replace("-", "").lower())
    rest = _CODE.sub(" ", text)
    for run in _CJK_RUN.findall(rest):
        tokens.extend(t for t in _jieba_cut(run) if t not in _STOP)
    for word in _WORD.findall(_CJK_RUN.sub(" ", rest).lower()):
        if word not in _STOP:
            tokens.append(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return tokens
