"""Regenerates the PDF and DOCX documents of the demo corpus (they are checked in).

    python -m knowledge.demo_binaries

Needs fpdf2 (test extra) and python-docx. The PDFs are English (the core PDF fonts have no CJK
glyphs) and have one top-level section per page, so page citations matter. Output is
deterministic: fixed creation dates, no random ids.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from knowledge.corpus import demo_corpus_path

__all__ = ["DOCX_DOCUMENTS", "PDF_DOCUMENTS", "main", "write_docx", "write_pdf"]

# A section: (heading, [items]); an item is a paragraph string, ("steps", [...]) or ("table", [[...], ...]).
Section = tuple[str, list[Any]]

_FIXED_DATE = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)

PDF_DOCUMENTS: dict[str, dict[str, Any]] = {
    "mm-cnc-mazak.pdf": {
        "title": "Maintenance manual CNC-03 / CNC-04 (Mazak)",
        "meta": {
            "id": "MM-CNC-MAZAK",
            "type": "maintenance_manual",
            "language": "en",
            "version": "4.2",
            "lines": ["L2"],
            "equipment": ["CNC-03", "CNC-04"],
            "access_level": "operator",
        },
        "sections": [
            (
                "1 Machine data",
                [
                    "This manual covers the two Mazak horizontal machining centers of Line 2 (valve body machining).",
                    (
                        "table",
                        [
                            ["Item", "CNC-03", "CNC-04"],
                            ["Manufacturer", "Mazak", "Mazak"],
                            ["Installed", "2016", "2021"],
                            ["Spindle", "12000 rpm, 22 kW", "12000 rpm, 22 kW"],
                            ["Spindle bearing set", "SP-MZ-7014", "SP-MZ-7014"],
                            ["Coolant pump", "SP-MZ-CP220", "SP-MZ-CP220"],
                        ],
                    ),
                ],
            ),
            (
                "2 Preventive maintenance schedule",
                [
                    (
                        "table",
                        [
                            ["Task", "Interval", "Who"],
                            ["Check way lube oil level", "daily", "operator"],
                            ["Clean chip conveyor and coolant filter", "weekly", "operator"],
                            ["Check spindle vibration trend", "weekly", "maintenance"],
                            ["Replace coolant filter cartridge CF-40", "monthly", "maintenance"],
                            ["Inspect ATC gripper fingers", "3 months", "maintenance"],
                            ["Spindle bearing inspection", "12 months or on E-217", "maintenance"],
                        ],
                    ),
                    "Book planned maintenance stops with reason code D-101.",
                ],
            ),
            (
                "3 Spindle",
                [
                    (
                        "3.1 Vibration monitoring",
                        [
                            "Spindle vibration (tag CNC-03.VIB, CNC-04.VIB) is measured as RMS velocity. Normal range "
                            "0.5 to 2.8 mm/s; the alarm E-217 trips at 4.5 mm/s. A rise of more than 30 percent over "
                            "two weeks "
                            "is the early sign of spindle bearing wear (failure mode FM-SPB). Plan the bearing "
                            "replacement "
                            "before the alarm level is reached.",
                        ],
                    ),
                    (
                        "3.2 Spindle bearing replacement",
                        [
                            (
                                "steps",
                                [
                                    "Lock out the machine (SOP-LOTO-EN) and remove the spindle cover.",
                                    "Remove the tool and the drawbar, then the front bearing nut with hook spanner "
                                    "HS-80.",
                                    "Pull the spindle cartridge with puller tool PT-MZ-12; never hammer on the "
                                    "spindle.",
                                    "Press out the old bearings and fit the new bearing set SP-MZ-7014 "
                                    "(angular contact 7014C, matched pair) heated to 80 deg C.",
                                    "Tighten the bearing nut to 180 N m and check axial play below 0.003 mm.",
                                    "Run in the spindle: 15 minutes each at 2000, 6000 and 10000 rpm.",
                                    "Verify vibration below 1.5 mm/s before releasing the machine.",
                                ],
                            ),
                            "Expected duration: 6 hours with two technicians.",
                        ],
                    ),
                ],
            ),
            (
                "4 Coolant system",
                [
                    "The coolant tank holds 450 L of cutting fluid RM-1201 at 6 to 8 percent. "
                    "Alarm E-230 warns at low level.",
                    (
                        "4.1 Coolant pump replacement",
                        [
                            (
                                "steps",
                                [
                                    "Lock out the machine and close the coolant valve.",
                                    "Disconnect the pump motor cable and the pressure line.",
                                    "Replace the pump with SP-MZ-CP220 and the gasket GK-220.",
                                    "Bleed the air and check the pressure reaches 15 bar.",
                                ],
                            ),
                            "A failing coolant pump (failure mode FM-CLP) shows as falling pressure and repeated "
                            "E-230.",
                        ],
                    ),
                ],
            ),
            (
                "5 Automatic tool changer",
                [
                    "Tool changer faults (failure mode FM-ATC) are mostly caused by worn gripper fingers or a "
                    "misaligned "
                    "magazine pocket.",
                    (
                        "5.1 ATC alignment",
                        [
                            (
                                "steps",
                                [
                                    "Move the ATC arm to the maintenance position in manual mode.",
                                    "Check the gripper fingers SP-MZ-GF08 for wear and replace them as a set.",
                                    "Align the magazine pocket with gauge AG-40 to within 0.05 mm.",
                                    "Run 50 tool changes in test mode without an alarm.",
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "6 Spare parts list",
                [
                    (
                        "table",
                        [
                            ["Part number", "Description", "Stock location"],
                            ["SP-MZ-7014", "Spindle bearing set 7014C matched pair", "WH-CP"],
                            ["SP-MZ-CP220", "Coolant pump 220 W", "WH-CP"],
                            ["SP-MZ-GF08", "ATC gripper finger set", "WH-CP"],
                            ["CF-40", "Coolant filter cartridge", "L2-SUP"],
                            ["GK-220", "Coolant pump gasket", "WH-CP"],
                        ],
                    ),
                ],
            ),
        ],
    },
    "mm-cnc-dmg.pdf": {
        "title": "Maintenance manual CNC-01 / CNC-02 (DMG MORI)",
        "meta": {
            "id": "MM-CNC-DMG",
            "type": "maintenance_manual",
            "language": "en",
            "version": "3.0",
            "lines": ["L1"],
            "equipment": ["CNC-01", "CNC-02"],
            "access_level": "operator",
        },
        "sections": [
            (
                "1 Machine data",
                [
                    (
                        "table",
                        [
                            ["Item", "CNC-01", "CNC-02"],
                            ["Manufacturer", "DMG MORI", "DMG MORI"],
                            ["Installed", "2018", "2018"],
                            ["Products", "PH-40, PH-60", "PH-40, PH-60"],
                            ["Spindle bearing set", "SP-DMG-7012", "SP-DMG-7012"],
                        ],
                    ),
                ],
            ),
            (
                "2 Spindle warm-up",
                [
                    "After a stop of more than 4 hours the spindle must be warmed up before machining the "
                    "bearing bore; "
                    "a cold spindle makes the PH-40 bore up to 0.008 mm too small.",
                    (
                        "steps",
                        [
                            "Run warm-up program O9000 (10 minutes, 1000 to 8000 rpm).",
                            "Check spindle temperature between 28 and 55 deg C.",
                            "Machine the first part and measure it on CMM-01.",
                        ],
                    ),
                ],
            ),
            (
                "3 Hydraulic fixture clamping",
                [
                    "Fixture plates FX-PH-040 and FX-PH-060 clamp hydraulically at 60 bar. Low clamping "
                    "pressure causes "
                    "chatter and bore roundness errors.",
                    (
                        "steps",
                        [
                            "Check the clamping pressure gauge every shift: 55 to 65 bar.",
                            "Replace the clamping cylinder seals SK-FX-20 every 12 months.",
                        ],
                    ),
                ],
            ),
            (
                "4 Lubrication",
                [
                    (
                        "table",
                        [
                            ["Point", "Lubricant", "Interval"],
                            ["Way lube", "ISO VG 68", "daily check"],
                            ["Spindle", "Oil-air, automatic", "check weekly"],
                            ["ATC cam", "Grease NLGI 2", "6 months"],
                        ],
                    ),
                ],
            ),
            (
                "5 Spare parts",
                [
                    (
                        "table",
                        [
                            ["Part number", "Description"],
                            ["SP-DMG-7012", "Spindle bearing set 7012C"],
                            ["SK-FX-20", "Fixture clamping cylinder seal kit"],
                            ["TB-4200", "Boring cartridge 42 mm"],
                            ["TB-6200", "Boring cartridge 62 mm"],
                        ],
                    ),
                ],
            ),
        ],
    },
    "mm-press-prs01.pdf": {
        "title": "Maintenance manual PRS-01 hydraulic press (Schuler)",
        "meta": {
            "id": "MM-PRS-01",
            "type": "maintenance_manual",
            "language": "en",
            "version": "2.4",
            "lines": ["L4"],
            "equipment": ["PRS-01"],
            "access_level": "operator",
        },
        "sections": [
            (
                "1 Machine data",
                [
                    (
                        "table",
                        [
                            ["Item", "Value"],
                            ["Manufacturer", "Schuler"],
                            ["Installed", "2015"],
                            ["Nominal force", "400 kN"],
                            ["Hydraulic pressure", "normal 180-215 bar, alarm 230 bar"],
                            ["Oil", "HLP 46, tank 200 L"],
                            ["Oil temperature", "normal 30-55 deg C, alarm 65 deg C"],
                        ],
                    ),
                ],
            ),
            (
                "2 Daily checks",
                [
                    (
                        "steps",
                        [
                            "Check the oil level in the sight glass.",
                            "Test the light curtain with the test rod: the ram must stop immediately.",
                            "Look for oil leaks at the cylinder, valves and hoses.",
                            "Check the pressure gauge at idle: 180-215 bar.",
                        ],
                    ),
                ],
            ),
            (
                "3 Hydraulic oil change",
                [
                    "Change the oil every 4000 operating hours or when the oil analysis shows water above 0.1 percent.",
                    (
                        "steps",
                        [
                            "Lock out the press, lower the ram onto safety block SB-200 and discharge the accumulator.",
                            "Drain the tank while the oil is warm (about 40 deg C).",
                            "Replace the return filter RF-PRS-25 and the breather BR-10.",
                            "Fill 200 L of HLP 46 through the filling filter.",
                            "Bleed the cylinder by running 10 slow strokes without a part.",
                        ],
                    ),
                ],
            ),
            (
                "4 Hydraulic leak repair",
                [
                    "Hydraulic leaks (failure mode FM-HYD) at the main cylinder are repaired with seal kit SK-PRS-80. "
                    "A leaking press loses pressure and raises alarm E-410 (hydraulic pressure low).",
                    (
                        "steps",
                        [
                            "Lock out and discharge the accumulator; check the gauge reads 0 bar.",
                            "Remove the cylinder gland (8 bolts M16, torque 210 N m on reassembly).",
                            "Replace rod seal, wiper and guide rings from kit SK-PRS-80.",
                            "Pressure test at 230 bar for 10 minutes without a drop.",
                        ],
                    ),
                ],
            ),
            (
                "5 Accumulator",
                [
                    "The bladder accumulator is pre-charged with nitrogen to 90 bar. Check the pre-charge "
                    "every 6 months "
                    "with charging kit CK-ACC. Never charge with air or oxygen.",
                ],
            ),
        ],
    },
}

DOCX_DOCUMENTS: dict[str, dict[str, Any]] = {
    "qs-pump-housing-bore.docx": {
        "title": "Pump housing bearing bore inspection procedure",
        "meta": {
            "id": "QS-PH-BORE",
            "type": "quality_spec",
            "language": "en",
            "version": "2.1",
            "lines": ["L1"],
            "equipment": ["CNC-01", "CNC-02", "CMM-01"],
            "access_level": "operator",
        },
        "sections": [
            (
                "1 Characteristics",
                [
                    "The bearing bore of the pump housing carries the ball bearings 6204 of the CP-40 and CP-60 pumps.",
                    (
                        "table",
                        [
                            ["Characteristic", "Product", "LSL", "Target", "USL", "Unit"],
                            ["CH-PH40-BORE", "PH-40 (P-1001)", "41.975", "42.000", "42.025", "mm"],
                            ["CH-PH60-BORE", "PH-60 (P-1002)", "61.970", "62.000", "62.030", "mm"],
                        ],
                    ),
                ],
            ),
            (
                "2 Measurement on CMM-01",
                [
                    (
                        "steps",
                        [
                            "Clean the housing and let it reach 20 deg C for at least 30 minutes after washing.",
                            "Load the housing on the CMM-01 fixture and start measuring plan MP-PH40 or MP-PH60.",
                            "The CMM reports diameter, roundness (max 0.008 mm) and position of the bore.",
                            "Enter one subgroup of 5 parts per hour into SPC.",
                        ],
                    ),
                ],
            ),
            (
                "3 Reaction plan",
                [
                    "A bore outside 41.975-42.025 mm (PH-40) or 61.970-62.030 mm (PH-60) is defect DF-101 and "
                    "the part is "
                    "scrapped. A trend of 7 rising points means the boring cartridge wears: change cartridge TB-4200 / "
                    "TB-6200 and check the spindle warm-up.",
                ],
            ),
        ],
    },
    "sqa-huaxin-forging.docx": {
        "title": "Supplier quality agreement - Ningbo Huaxin Forging",
        "meta": {
            "id": "SQA-SUP02",
            "type": "supplier_agreement",
            "language": "en",
            "version": "2025.2",
            "lines": ["L2"],
            "access_level": "engineer",
        },
        "sections": [
            (
                "1 Parties and scope",
                [
                    "Buyer: Donghai Pump & Valve Co., Ltd., Suzhou plant (SZ1). Supplier: Ningbo Huaxin Forging "
                    "(supplier code SUP-02). Scope: valve body forgings RM-1101 (VB-25), RM-1102 (VB-32) "
                    "and RM-1103 (VB-50).",
                ],
            ),
            (
                "2 Delivery performance",
                [
                    (
                        "table",
                        [
                            ["Metric", "Target", "Escalation"],
                            ["On-time delivery", ">= 95 %", "below 90 % for a month"],
                            ["Standard lead time", "14 days", "-"],
                            ["Late delivery", "max 2 days", "any delay > 5 days"],
                        ],
                    ),
                    "Late deliveries are escalated to the supplier's management after two late purchase order "
                    "lines in a "
                    "month; the supplier then reports a recovery plan within 3 working days.",
                ],
            ),
            (
                "3 Quality requirements",
                [
                    (
                        "steps",
                        [
                            "Incoming defect rate below 500 ppm.",
                            "Each lot carries a material certificate EN 10204 3.1 and the heat number.",
                            "Forging laps or cracks found at machining are charged back with an 8D report.",
                        ],
                    ),
                ],
            ),
            (
                "4 Penalties",
                [
                    "Each late purchase order line costs the supplier 0.5 % of the line value per day, capped at 5 %.",
                ],
            ),
        ],
    },
}

_LATIN1 = str.maketrans({"–": "-", "—": "-", "≥": ">=", "≤": "<=", "·": " ", "’": "'"})


def _pdf_text(text: str) -> str:
    return text.translate(_LATIN1)


def _pdf_items(pdf: Any, items: list[Any]) -> None:
    for item in items:
        if isinstance(item, str):
            pdf.set_font("Helvetica", size=10)
            pdf.multi_cell(0, 5, _pdf_text(item), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif item[0] == "steps":
            pdf.set_font("Helvetica", size=10)
            for number, step in enumerate(item[1], start=1):
                pdf.multi_cell(0, 5, _pdf_text(f"{number}. {step}"), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif item[0] == "table":
            pdf.set_font("Courier", size=8)
            for row in item[1]:
                pdf.multi_cell(0, 4, _pdf_text("| " + " | ".join(row) + " |"), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:  # a subsection
            pdf.set_font("Helvetica", style="B", size=11)
            pdf.multi_cell(0, 6, _pdf_text(item[0]), new_x="LMARGIN", new_y="NEXT")
            _pdf_items(pdf, item[1])


def write_pdf(path: Path, spec: dict[str, Any]) -> None:
    """One top-level section per page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(spec["title"])
    pdf.set_creation_date(_FIXED_DATE)
    for number, (heading, items) in enumerate(spec["sections"]):
        pdf.add_page()
        if number == 0:
            pdf.set_font("Helvetica", style="B", size=14)
            pdf.multi_cell(0, 8, _pdf_text(spec["title"]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.multi_cell(0, 7, _pdf_text(heading), new_x="LMARGIN", new_y="NEXT")
        _pdf_items(pdf, items)
    pdf.output(str(path))


def _docx_items(document: Any, items: list[Any], level: int) -> None:
    for item in items:
        if isinstance(item, str):
            document.add_paragraph(item)
        elif item[0] == "steps":
            for step in item[1]:
                document.add_paragraph(step, style="List Number")
        elif item[0] == "table":
            rows = item[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        else:
            document.add_heading(item[0], level=level + 1)
            _docx_items(document, item[1], level + 1)


def write_docx(path: Path, spec: dict[str, Any]) -> None:
    """Headings, numbered lists and tables; a page break before every top-level section but the first."""
    from docx import Document

    document = Document()
    props = document.core_properties
    props.title = spec["title"]
    props.version = spec["meta"]["version"]
    props.category = spec["meta"]["type"]
    props.created = props.modified = _FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    document.add_heading(spec["title"], level=0)
    for number, (heading, items) in enumerate(spec["sections"]):
        if number:
            document.add_page_break()  # type: ignore[no-untyped-call]
        document.add_heading(heading, level=1)
        _docx_items(document, items, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    _write_stable_zip(path, buffer.getvalue())


def _write_stable_zip(path: Path, data: bytes) -> None:
    # python-docx stamps zip entries with the current time; fixed stamps keep the file byte-stable.
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            stable = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 15, 8, 0, 0))
            stable.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stable, source.read(info.filename))


def _write_sidecar(path: Path, meta: dict[str, Any], title: str) -> None:
    import yaml

    data = {"id": meta["id"], "title": title, **{k: v for k, v in meta.items() if k != "id"}}
    path.with_name(path.name + ".meta.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def main(target: Path | None = None) -> None:
    """Write every PDF and DOCX document (and its metadata sidecar) into the demo corpus folder."""
    folder = target or demo_corpus_path()
    for name, spec in PDF_DOCUMENTS.items():
        write_pdf(folder / name, spec)
        _write_sidecar(folder / name, spec["meta"], spec["title"])
    for name, spec in DOCX_DOCUMENTS.items():
        write_docx(folder / name, spec)
        _write_sidecar(folder / name, spec["meta"], spec["title"])


if __name__ == "__main__":
    main()
