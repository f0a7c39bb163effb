"""Plant entities by code, English or Chinese name, or alias, with "did you mean" suggestions.

Matching is on a normalised key: case, width, spaces, hyphens and leading zeros do not matter and
Chinese digits count as digits, so "Line 2", "L2", "line2", "2号线" and "二号线" all find `L2`, and
"CNC 3", "CNC-03" and "3号数控机床" find `CNC-03`. Resolving anything that belongs to a line
(a line, a machine, its tags and characteristics, production and maintenance orders) checks the
caller's scopes, so a scoped user cannot reach another line's rows by naming them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlmodel import Session, col

from connectors.schema import (
    AlarmCode,
    Customer,
    DefectCode,
    DowntimeReason,
    Equipment,
    FailureMode,
    Line,
    MaintenanceWorkOrder,
    Material,
    Product,
    ProductionOrder,
    PurchaseOrder,
    SalesOrder,
    SensorTag,
    SpcCharacteristic,
    Supplier,
)
from tools.contract import ToolContext
from tools.errors import UnknownEntityError
from tools.permissions import require_scope

__all__ = [
    "Entity",
    "EntityKind",
    "entity_key",
    "resolve_entity",
    "resolve_equipment",
    "resolve_line",
    "resolve_line_or_equipment",
]

EntityKind = Literal[
    "line",
    "equipment",
    "product",
    "material",
    "supplier",
    "customer",
    "characteristic",
    "tag",
    "alarm_code",
    "failure_mode",
    "defect_code",
    "downtime_reason",
    "production_order",
    "purchase_order",
    "sales_order",
    "work_order",
]

_LABELS: dict[str, tuple[str, str]] = {
    "line": ("line", "产线"),
    "equipment": ("equipment", "设备"),
    "product": ("product", "产品"),
    "material": ("material", "物料"),
    "supplier": ("supplier", "供应商"),
    "customer": ("customer", "客户"),
    "characteristic": ("SPC characteristic", "质量特性"),
    "tag": ("sensor tag", "传感器位号"),
    "alarm_code": ("alarm code", "报警代码"),
    "failure_mode": ("failure mode", "故障模式"),
    "defect_code": ("defect code", "缺陷代码"),
    "downtime_reason": ("downtime reason", "停机原因"),
    "production_order": ("production order", "生产订单"),
    "purchase_order": ("purchase order", "采购订单"),
    "sales_order": ("sales order", "销售订单"),
    "work_order": ("maintenance work order", "维修工单"),
}


@dataclass(frozen=True)
class Entity:
    """A resolved entity: its surrogate id, code, labels and, when it belongs to one, its line."""

    kind: str
    id: int
    code: str
    name_en: str
    name_zh: str
    line_id: int | None = None
    line_code: str | None = None

    @property
    def label(self) -> str:
        return f"{self.code} ({self.name_en} / {self.name_zh})" if self.name_en else self.code


_CN_DIGITS = str.maketrans("零〇一二两三四五六七八九", "001223456789")
_SEPARATORS = re.compile(r"[\s\-_./·,，、()（）\[\]'\"]+")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
_PARENTHESES = re.compile(r"（.*?）|\(.*?\)")


def entity_key(text: str) -> str:
    """Normalised matching key: NFKC, casefold, Chinese digits as digits, no separators or leading zeros."""
    key = unicodedata.normalize("NFKC", text).casefold().translate(_CN_DIGITS)
    key = _SEPARATORS.sub("", key)
    return _LEADING_ZEROS.sub("", key)


def _split_aliases(raw: str) -> list[str]:
    return [alias for alias in raw.split("|") if alias.strip()]


@dataclass(frozen=True)
class _Candidate:
    entity: Entity
    names: tuple[str, ...]


def _lines(session: Session) -> dict[int, str]:
    return {row.id: row.code for row in session.execute(select(col(Line.id), col(Line.code)))}


_NAMED = ("id", "code", "name_en", "name_zh")


def _rows(
    session: Session, model: Any, names: Sequence[str], code: str | None, ids: Sequence[int] | None = None
) -> Any:
    """Plain rows (no ORM objects: cheaper by far on plants with hundreds of machines)."""
    c = model.__table__.c
    statement = select(*(c[name] for name in names))
    if code is not None:
        statement = statement.where(c.code == code)
    if ids is not None:
        statement = statement.where(c.id.in_(list(ids)))
    return session.execute(statement).all()


def _machines(session: Session, code: str | None = None, ids: Sequence[int] | None = None) -> list[_Candidate]:
    lines = _lines(session)
    return [
        _Candidate(
            Entity("equipment", r.id, r.code, r.name_en, r.name_zh, r.line_id, lines.get(r.line_id)),
            (r.code, r.name_en, r.name_zh, *_split_aliases(r.aliases)),
        )
        for r in _rows(session, Equipment, (*_NAMED, "aliases", "line_id"), code, ids)
    ]


def _master_rows(session: Session, kind: str, code: str | None = None) -> list[_Candidate]:
    """Every entity of a master-data kind (or only the one with this exact code) with the names it is called by."""
    if kind == "line":
        return [
            _Candidate(
                Entity("line", r.id, r.code, r.name_en, r.name_zh, r.id, r.code),
                (r.code, r.name_en, r.name_zh, *_split_aliases(r.aliases)),
            )
            for r in _rows(session, Line, (*_NAMED, "aliases"), code)
        ]
    if kind == "equipment":
        return _machines(session, code)
    if kind == "tag":
        return _tag_rows(session, code)
    if kind == "characteristic":
        found = _rows(session, SpcCharacteristic, (*_NAMED, "aliases", "equipment_id"), code)
        machines = {m.entity.id: m.entity for m in _machines(session, ids=[r.equipment_id for r in found])}
        rows = []
        for r in found:
            machine = machines.get(r.equipment_id)
            line_id, line_code = (machine.line_id, machine.line_code) if machine else (None, None)
            entity = Entity("characteristic", r.id, r.code, r.name_en, r.name_zh, line_id, line_code)
            rows.append(_Candidate(entity, (r.code, r.name_en, r.name_zh, *_split_aliases(r.aliases))))
        return rows
    if kind == "alarm_code":
        return [
            _Candidate(Entity("alarm_code", r.id, r.code, r.text_en, r.text_zh), (r.code, r.text_en, r.text_zh))
            for r in _rows(session, AlarmCode, ("id", "code", "text_en", "text_zh"), code)
        ]
    model: Any = {
        "product": Product,
        "material": Material,
        "supplier": Supplier,
        "customer": Customer,
        "failure_mode": FailureMode,
        "defect_code": DefectCode,
        "downtime_reason": DowntimeReason,
    }[kind]
    names = (*_NAMED, "aliases") if "aliases" in model.__table__.c else _NAMED
    return [
        _Candidate(
            Entity(kind, r.id, r.code, r.name_en, r.name_zh),
            (r.code, r.name_en, r.name_zh, *_split_aliases(getattr(r, "aliases", ""))),
        )
        for r in _rows(session, model, names, code)
    ]


def _tag_rows(session: Session, code: str | None = None) -> list[_Candidate]:
    """Tags by code, and by machine name + signal ("CNC 3 vibration", "3号数控机床主轴振动")."""
    found = _rows(session, SensorTag, (*_NAMED, "kind", "equipment_id"), code)
    machines = {
        c.entity.id: c for c in _machines(session, ids=None if code is None else [r.equipment_id for r in found])
    }
    rows = []
    for r in found:
        machine = machines.get(r.equipment_id)
        suffix = r.code.rsplit(".", 1)[-1]
        names = [r.code, r.name_en, r.name_zh]
        if machine is not None:
            signals = {suffix, r.kind}
            for name in (r.name_en, r.name_zh):
                # Tag names often repeat the machine ("CNC-03 Spindle vibration"): keep the signal part.
                for prefix in (machine.entity.code, machine.entity.name_en, machine.entity.name_zh):
                    if prefix and name.startswith(prefix):
                        name = name[len(prefix) :]
                signals |= {name.strip(), _PARENTHESES.sub("", name).strip()}
            names += [f"{machine_name} {signal}" for machine_name in machine.names for signal in signals if signal]
        line_id = machine.entity.line_id if machine else None
        line_code = machine.entity.line_code if machine else None
        entity = Entity("tag", r.id, r.code, r.name_en, r.name_zh, line_id, line_code)
        rows.append(_Candidate(entity, tuple(names)))
    return rows


_ORDER_MODELS: dict[str, Any] = {
    "production_order": ProductionOrder,
    "purchase_order": PurchaseOrder,
    "sales_order": SalesOrder,
    "work_order": MaintenanceWorkOrder,
}
_ORDER_CODE = re.compile(r"^\s*([A-Za-z]{1,4})\s*[-_ ]?\s*(\d{1,12})\s*$")


def _resolve_order(session: Session, kind: str, text: str) -> Entity:
    """Orders are many: look the canonical code up directly; suggest codes sharing the prefix on a miss."""
    model = _ORDER_MODELS[kind]
    match = _ORDER_CODE.match(unicodedata.normalize("NFKC", text))
    code = f"{match.group(1).upper()}-{match.group(2)}" if match else text.strip()
    row = session.execute(select(model).where(model.code == code)).scalars().first()
    if row is not None:
        line_id = getattr(row, "line_id", None)
        line_code = _lines(session).get(line_id) if line_id is not None else None
        return Entity(kind, row.id, row.code, "", "", line_id, line_code)
    suggestions: list[str] = []
    if match:
        stem = f"{match.group(1).upper()}-{match.group(2)[:-1]}"
        near = session.execute(select(model.code).where(model.code.like(f"{stem}%")).limit(200)).scalars().all()
        suggestions = difflib.get_close_matches(code, list(near), n=3, cutoff=0.6)
    en, zh = _LABELS[kind]
    raise UnknownEntityError(f"unknown {en} {text!r} / 未找到{zh} {text!r}", suggestions)


def _index(candidates: Iterable[_Candidate]) -> dict[str, list[_Candidate]]:
    index: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        for name in candidate.names:
            key = entity_key(name)
            if key and candidate not in index.setdefault(key, []):
                index[key].append(candidate)
    return index


def _unique(found: Sequence[_Candidate]) -> Entity | None:
    codes = {c.entity.code for c in found}
    return found[0].entity if len(codes) == 1 else None


def _match(kind: str, text: str, candidates: list[_Candidate]) -> Entity:
    index = _index(candidates)
    key = entity_key(text)
    if not key:
        raise UnknownEntityError(f"empty {_LABELS[kind][0]} name / {_LABELS[kind][1]}名称为空")
    exact = index.get(key, [])
    if exact:
        entity = _unique(exact)
        if entity is not None:
            return entity
        codes = sorted({c.entity.code for c in exact})
        raise UnknownEntityError(f"{text!r} is ambiguous / 有歧义: it could be any of {', '.join(codes)}", codes)
    if len(key) >= 3:
        # A unique prefix is enough: "Huaxin Forg" -> SUP-02.
        entity = _unique([c for k, found in index.items() if k.startswith(key) for c in found])
        if entity is not None:
            return entity
    near_keys = difflib.get_close_matches(key, list(index), n=8, cutoff=0.6)
    suggestions: list[str] = []
    for near in near_keys:
        for candidate in index[near]:
            if candidate.entity.code not in suggestions:
                suggestions.append(candidate.entity.code)
    en, zh = _LABELS[kind]
    raise UnknownEntityError(f"unknown {en} {text!r} / 未找到{zh} {text!r}", suggestions[:3])


def resolve_entity(ctx: ToolContext, kind: EntityKind, text: str) -> Entity:
    """Find one entity of `kind` by code, name or alias; raises UnknownEntityError with near matches.

    Raises PermissionDeniedError when the entity belongs to a line outside the caller's scopes.
    """
    if kind in _ORDER_MODELS:
        entity = _resolve_order(ctx.session, kind, text)
    else:
        # Most calls name the code exactly: one indexed lookup instead of matching every name.
        exact = _master_rows(ctx.session, kind, text.strip().upper())
        entity = exact[0].entity if exact else _match(kind, text, _master_rows(ctx.session, kind))
    if entity.line_code is not None:
        require_scope(ctx, entity.line_code)
    return entity


def resolve_line(ctx: ToolContext, text: str) -> Entity:
    """A production line by code, name or alias ("L2", "Line 2", "2号线", "二号线")."""
    return resolve_entity(ctx, "line", text)


def resolve_equipment(ctx: ToolContext, text: str) -> Entity:
    """A machine by code, name or alias ("CNC-03", "CNC 3", "3号数控机床")."""
    return resolve_entity(ctx, "equipment", text)


def resolve_line_or_equipment(ctx: ToolContext, text: str) -> Entity:
    """A line if the text names one, else a machine; the error suggests near matches of both."""
    code = text.strip().upper()
    for kind in ("line", "equipment"):
        exact = _master_rows(ctx.session, kind, code)
        if exact:
            return resolve_entity(ctx, kind, code)  # type: ignore[arg-type]
    lines = _master_rows(ctx.session, "line")
    machines = _master_rows(ctx.session, "equipment")
    key = entity_key(text)
    for kind, candidates in (("line", lines), ("equipment", machines)):
        if key in _index(candidates):
            return resolve_entity(ctx, kind, text)  # type: ignore[arg-type]
    try:
        entity = _match("equipment", text, lines + machines)
    except UnknownEntityError as exc:
        raise UnknownEntityError(f"unknown line or equipment {text!r} / 未找到产线或设备", exc.suggestions) from None
    if entity.line_code is not None:
        require_scope(ctx, entity.line_code)
    return entity
