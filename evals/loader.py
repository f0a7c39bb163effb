"""Load and validate suites before anything runs.

A suite reference is a YAML path, a built-in suite name (`routing`, `data_questions`, ... in
`evals/suites/`), or `assetopsbench:/path/to/dir` for the external AssetOpsBench scenarios.
Errors name the file, the case id and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from evals.errors import SuiteError
from evals.schema import SuiteSpec

__all__ = ["BUILTIN_SUITES_DIR", "builtin_suites", "load_suite", "load_suites", "resolve_suite"]

BUILTIN_SUITES_DIR = Path(__file__).parent / "suites"


def builtin_suites() -> list[Path]:
    """The suites shipped with Andon, sorted by name."""
    return sorted(BUILTIN_SUITES_DIR.glob("*.yaml"))


def _apply_defaults(raw: dict[str, Any]) -> dict[str, Any]:
    defaults = raw.get("defaults") or {}
    cases = raw.get("cases")
    if not isinstance(defaults, dict) or not isinstance(cases, list):
        return raw
    merged = []
    for case in cases:
        if isinstance(case, dict):
            case = {**{k: v for k, v in defaults.items() if k != "tags" and v is not None}, **case}
            if defaults.get("tags"):
                case["tags"] = list(dict.fromkeys([*defaults["tags"], *case.get("tags", [])]))
        merged.append(case)
    return {**raw, "cases": merged}


def _describe(path: Path, raw: dict[str, Any], exc: ValidationError) -> str:
    """One line per problem: file, case id (when the problem is inside a case) and the dotted field."""
    lines = []
    found = raw.get("cases")
    cases: list[Any] = found if isinstance(found, list) else []
    for error in exc.errors()[:5]:
        loc = list(error["loc"])
        where = "suite"
        if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
            index = loc[1]
            case = cases[index] if index < len(cases) else None
            case_id = case.get("id") if isinstance(case, dict) else None
            where = f"case {case_id!r}" if case_id else f"case #{index + 1}"
            loc = loc[2:]
        # pydantic adds the union member's type name to the location; it helps nobody reading a YAML file.
        field = ".".join(str(p) for p in loc if not ((isinstance(p, str) and p[:1].isupper()) or "[" in str(p)))
        lines.append(f"{path.name}: {where}: {field or '(case)'}: {error['msg']}")
    more = len(exc.errors()) - 5
    if more > 0:
        lines.append(f"{path.name}: ... and {more} more problem(s)")
    return "; ".join(lines)


def load_suite(path: Path) -> SuiteSpec:
    """Read one YAML suite and validate it; raises SuiteError naming file, case id and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SuiteError(f"{path}: cannot read suite ({exc.strerror}) / 无法读取评测集") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise SuiteError(f"{path.name}:{where} not valid YAML / 不是有效的YAML") from None
    if not isinstance(raw, dict):
        raise SuiteError(f"{path.name}: a suite must be a mapping with `suite` and `cases` / 评测集格式错误")
    raw = _apply_defaults(raw)
    try:
        return SuiteSpec.model_validate(raw)
    except ValidationError as exc:
        raise SuiteError(_describe(path, raw, exc)) from None


def resolve_suite(reference: str) -> Path:
    """A path, or the name of a built-in suite (with or without `.yaml`)."""
    path = Path(reference)
    if path.exists():
        return path
    builtin = BUILTIN_SUITES_DIR / (reference if reference.endswith(".yaml") else f"{reference}.yaml")
    if builtin.exists():
        return builtin
    names = ", ".join(p.stem for p in builtin_suites()) or "none"
    raise SuiteError(f"suite not found: {reference} (built-in: {names}) / 找不到评测集")


def load_suites(references: list[str]) -> list[SuiteSpec]:
    """Load every referenced suite, all validated before any case runs; suite names must be unique."""
    from evals.importers import import_external

    suites: list[SuiteSpec] = []
    for reference in references:
        if ":" in reference and reference.split(":", 1)[0] in {"assetopsbench"}:
            suites.append(import_external(reference))
        else:
            suites.append(load_suite(resolve_suite(reference)))
    names = [s.suite for s in suites]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SuiteError(f"suite name given twice: {', '.join(duplicates)} / 评测集重复")
    return suites
