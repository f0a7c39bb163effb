"""Document metadata: type, language, version, lines / equipment and the minimum role that may read it."""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from knowledge.errors import KnowledgeError

__all__ = [
    "ACCESS_LEVELS",
    "DOC_TYPES",
    "AccessLevel",
    "DocType",
    "DocumentMeta",
    "access_rank",
    "detect_language",
    "parse_meta",
]

DocType = Literal[
    "sop",
    "work_instruction",
    "maintenance_manual",
    "quality_spec",
    "safety_procedure",
    "troubleshooting_guide",
    "supplier_agreement",
]
DOC_TYPES: tuple[str, ...] = get_args(DocType)

# Kept as plain strings: knowledge does not import the tools layer's Role.
AccessLevel = Literal["operator", "engineer", "supervisor", "admin"]
ACCESS_LEVELS: tuple[str, ...] = get_args(AccessLevel)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def access_rank(role: str) -> int:
    """Rank of a role or access level: operator 0 < engineer 1 < supervisor 2 < admin 3."""
    try:
        return ACCESS_LEVELS.index(str(role).lower())
    except ValueError:
        raise KnowledgeError(f"unknown role {role!r}; expected one of {', '.join(ACCESS_LEVELS)}") from None


def detect_language(text: str) -> str:
    """ "zh" when a fair share of the letters are CJK characters, else "en"."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    cjk = sum(1 for c in letters if _CJK.match(c))
    return "zh" if cjk / len(letters) > 0.2 else "en"


class DocumentMeta(BaseModel):
    """What a document says about itself (front matter, sidecar file or core properties)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str | None = None
    doc_type: DocType | None = None
    language: str | None = None
    version: str | None = None
    lines: list[str] = Field(default_factory=list)
    equipment: list[str] = Field(default_factory=list)
    access_level: AccessLevel = "operator"

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # YAML reads `version: 1.2` as a float; versions are labels.
        return None if value is None else str(value)

    @field_validator("lines", "equipment", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return [str(v) for v in value]


_ALIASES = {"type": "doc_type", "lang": "language", "access": "access_level", "role": "access_level"}


def parse_meta(raw: dict[str, Any], source: str) -> DocumentMeta:
    """Validate raw metadata; an invalid field is reported as one line naming the file and field."""
    data = {_ALIASES.get(str(key).lower(), str(key).lower()): value for key, value in raw.items()}
    try:
        return DocumentMeta.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "metadata"
        raise KnowledgeError(f"{source}: metadata {where}: {first['msg']}") from None
