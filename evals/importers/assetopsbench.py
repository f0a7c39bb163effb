"""AssetOpsBench scenarios (IBM, Apache-2.0) as an Andon suite, with the domain mapping of its README.

| upstream type        | ids      | domain here                     |
|----------------------|----------|---------------------------------|
| IoT                  | 1-48     | equipment                       |
| TSFM                 | 201-223  | equipment                       |
| FMSR                 | 101-120  | maintenance                     |
| Workorder            | 400-435  | maintenance                     |
| Vibration            | 301-324  | equipment or maintenance        |
| multi-agent          | 501-622  | several (set-based: any overlap)|

The upstream site data is not included, so the cases check routing (and, in behaviour mode, that
the answer invents no numbers); they are for evaluation only and never feed training or tuning.
Multi-agent scenarios get their domains from what they ask for: work orders and failure modes are
maintenance, sensor data, anomalies and forecasts are equipment.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evals.errors import SuiteError
from evals.schema import SuiteSpec

__all__ = ["assetopsbench_domains", "import_assetopsbench"]

_MAINTENANCE_WORDS = re.compile(r"work ?order|failure mode|maintenance|repair|alert", re.IGNORECASE)
_EQUIPMENT_WORDS = re.compile(r"sensor|anomal|forecast|tonnage|chiller|asset|site|iot|vibration|bearing", re.IGNORECASE)


def assetopsbench_domains(row: dict[str, Any]) -> tuple[list[str], str]:
    """Expected domains and how to match them, from the README's mapping (ids decide, type confirms)."""
    scenario = int(row["id"])
    if 1 <= scenario <= 48 or 201 <= scenario <= 223:
        return ["equipment"], "exact"
    if 101 <= scenario <= 120 or 400 <= scenario <= 435:
        return ["maintenance"], "exact"
    if 301 <= scenario <= 324:
        return ["equipment", "maintenance"], "subset"
    text = str(row.get("text", ""))
    domains = []
    if _EQUIPMENT_WORDS.search(text):
        domains.append("equipment")
    if _MAINTENANCE_WORDS.search(text):
        domains.append("maintenance")
    return domains or ["equipment", "maintenance"], "overlap"


def _rows(directory: Path) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    main = directory / "all_utterance.jsonl"
    if not main.exists():
        raise SuiteError(f"{directory}: no all_utterance.jsonl (is this the AssetOpsBench scenario folder?)")
    for number, line in enumerate(main.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise SuiteError(f"{main.name}: line {number} is not JSON") from None
            rows[int(row["id"])] = row
    for extra in [directory / "vibration_utterance.json", directory / "multi_agent" / "end2end_utterance.json"]:
        if extra.exists():
            for row in json.loads(extra.read_text(encoding="utf-8")):
                rows.setdefault(int(row["id"]), row)
    return [rows[key] for key in sorted(rows)]


def import_assetopsbench(directory: Path, *, behaviour: bool = False) -> SuiteSpec:
    """All scenarios of the folder as one suite named `assetopsbench` (or `assetopsbench_behaviour`)."""
    if not directory.is_dir():
        raise SuiteError(f"{directory}: not a folder / 不是目录")
    cases = []
    for row in _rows(directory):
        domains, match = assetopsbench_domains(row)
        multi = int(row["id"]) >= 500
        expect: dict[str, Any] = {"domains": domains, "domains_match": match}
        if behaviour:
            # Without the upstream site's data, an honest answer states no figures it cannot source.
            expect["grounded"] = True
        else:
            expect["route_only"] = True
        category = str(row.get("category") or row.get("type") or "scenario").lower().replace(" ", "_")
        cases.append(
            {
                "id": f"aob-{row['id']}",
                "input": str(row["text"]),
                "lang": "en",
                "role": "engineer",
                "level": "L3" if multi else "L2",
                "agent": None if multi or match != "exact" else domains[0],
                "tags": ["assetopsbench", category, "multi_agent" if multi else "single_agent"],
                "expect": expect,
            }
        )
    name = "assetopsbench_behaviour" if behaviour else "assetopsbench"
    try:
        description = f"AssetOpsBench scenarios from {directory} (evaluation only)"
        return SuiteSpec.model_validate({"suite": name, "description": description, "cases": cases})
    except ValidationError as exc:
        raise SuiteError(f"{directory}: AssetOpsBench scenarios do not convert: {exc.errors()[0]['msg']}") from None
