"""Build the plant's `Vocabulary` from its database: codes, bilingual names and aliases of master data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, select

from agents.extraction.vocabulary import Term, Vocabulary, terms_from_rows

__all__ = ["PLANT_VOCABULARY_TABLES", "document_vocabulary", "vocabulary_from_session"]

# Kind -> schema class name, most specific first: when two things share a name, the earlier kind keeps it.
PLANT_VOCABULARY_TABLES: tuple[tuple[str, str], ...] = (
    ("line", "Line"),
    ("equipment", "Equipment"),
    ("product", "Product"),
    ("material", "Material"),
    ("supplier", "Supplier"),
    ("customer", "Customer"),
    ("characteristic", "SpcCharacteristic"),
    ("tag", "SensorTag"),
    ("alarm_code", "AlarmCode"),
    ("defect_code", "DefectCode"),
    ("downtime_reason", "DowntimeReason"),
    ("failure_mode", "FailureMode"),
    ("location", "StorageLocation"),
    ("area", "Area"),
    ("site", "Site"),
    ("shift", "Shift"),
)


def _row(record: Any, parents: dict[int, str]) -> dict[str, Any]:
    row = {key: getattr(record, key, None) for key in ("code", "name_en", "name_zh", "aliases")}
    line_id = getattr(record, "line_id", None)
    row["parent"] = parents.get(line_id, "") if isinstance(line_id, int) else ""
    return row


def vocabulary_from_session(session: Session) -> Vocabulary:
    """Read the hierarchy and master-data tables of the plant database into a `Vocabulary`."""
    import connectors.schema as schema

    terms: list[Term] = []
    lines = {line.id: line.code for line in session.exec(select(schema.Line)).all() if line.id is not None}
    for kind, class_name in PLANT_VOCABULARY_TABLES:
        model = getattr(schema, class_name, None)
        if model is None:
            continue
        terms += terms_from_rows(kind, (_row(record, lines) for record in session.exec(select(model)).all()))
    return Vocabulary(terms=terms)


def document_vocabulary(documents: Iterable[Any]) -> Vocabulary:
    """The documents of the knowledge index (objects with `id` and `title`) as terms of kind "document",
    named by their id and their full title only: a title's first words ("Gauge") name no document."""
    return Vocabulary(terms=[Term(kind="document", code=str(d.id), names=(str(d.title),)) for d in documents])
