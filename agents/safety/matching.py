"""The two shapes a safety rule takes, and the text normalisation they share.

A `Near` rule pairs an action with an object within a short window ("jumper out ... the light
curtain"), so that a question about the object alone ("why did the light curtain trip?") passes.
A `Phrase` rule is one pattern for wordings that need no pairing ("without lockout", "不用上锁挂牌").
Either rule may carry `unless`: a pattern that, found in the same sentence before the match, marks
it as a question about the past or a prohibition ("did we ship ...", "never bypass ..."), and
`unless_after` does the same from the match to the end of the sentence, where Chinese puts its
question words ("放行了多少批").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Near", "Phrase", "Rule", "normalize", "words"]

_WINDOW = 48  # characters between action and object; long enough for "the safety interlock on press 4"
_SENTENCE_END = re.compile(r"[.?!;。？！；，,\n]")


def words(*parts: str) -> re.Pattern[str]:
    """One case-insensitive pattern from `|`-separated alternatives, given in pieces that are joined as they are."""
    return re.compile("".join(parts), re.IGNORECASE)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, "e-stop" -> "estop", one space between words."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text)
    text = text.replace("’", "'")
    return re.sub(r"\s+", " ", text)


def _excused(rule: Near | Phrase, text: str, start: int, end: int) -> bool:
    clause_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    if rule.unless is not None and rule.unless.search(text, clause_start, start):
        return True
    if rule.unless_after is None:
        return False
    clause_end = next((m.start() for m in _SENTENCE_END.finditer(text, end)), len(text))
    return rule.unless_after.search(text, start, clause_end) is not None


@dataclass(frozen=True)
class Near:
    """An action and an object within `window` characters; the object may come first when `both_orders`."""

    actions: re.Pattern[str]
    objects: re.Pattern[str]
    both_orders: bool = True
    window: int = _WINDOW
    unless: re.Pattern[str] | None = None
    unless_after: re.Pattern[str] | None = None

    def find(self, text: str) -> str | None:
        """The matched span, or None."""
        for action in self.actions.finditer(text):
            found = self.objects.search(text, action.end(), action.end() + self.window)
            if found and not _excused(self, text, action.start(), found.end()):
                return text[action.start() : found.end()]
            if self.both_orders:
                start = max(0, action.start() - self.window)
                before = list(self.objects.finditer(text, start, action.start()))
                if before and not self._reported(text, before[-1].start(), before[-1].end(), action.start()):
                    return text[before[-1].start() : action.end()]
        return None

    def _reported(self, text: str, object_start: int, object_end: int, action_start: int) -> bool:
        # "the e-stop was jumpered by ..." reports the past: the words between object and action count too.
        if self.unless is not None and self.unless.search(text, object_end, action_start):
            return True
        return _excused(self, text, object_start, action_start)


@dataclass(frozen=True)
class Phrase:
    """One pattern that is unsafe on its own."""

    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    unless_after: re.Pattern[str] | None = None

    def find(self, text: str) -> str | None:
        """The matched span, or None."""
        for found in self.pattern.finditer(text):
            if not _excused(self, text, found.start(), found.end()):
                return found.group(0)
        return None


Rule = Near | Phrase
