"""Mention extraction: time expressions and plant entities inside free text, in English and Chinese."""

from agents.extraction.language import Language, detect_language, has_cjk
from agents.extraction.mentions import EntityMention, GroupMention, Mentions, extract_mentions
from agents.extraction.plant_vocabulary import PLANT_VOCABULARY_TABLES, document_vocabulary, vocabulary_from_session
from agents.extraction.request_shape import asks_why, split_clauses
from agents.extraction.time_mentions import TimeMention, find_time_mentions, find_unread_time_words
from agents.extraction.vocabulary import EntityKind, Term, Vocabulary, VocabularyMatch, terms_from_rows

__all__ = [
    "PLANT_VOCABULARY_TABLES",
    "EntityKind",
    "EntityMention",
    "GroupMention",
    "Language",
    "Mentions",
    "Term",
    "TimeMention",
    "Vocabulary",
    "VocabularyMatch",
    "asks_why",
    "detect_language",
    "document_vocabulary",
    "extract_mentions",
    "find_time_mentions",
    "find_unread_time_words",
    "has_cjk",
    "split_clauses",
    "terms_from_rows",
    "vocabulary_from_session",
]
