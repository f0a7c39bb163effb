"""The stories the demo plant tells: fixed codes and dates an operator can ask about.

The plant clock is Friday 2026-11-20 06:00 (start of shift A), so "yesterday" (11-19) and
"last week" (11-09..11-15) are complete. Every scale ends there; only the start differs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = [
    "BELOW_REORDER_WITHOUT_PO",
    "BELOW_REORDER_WITH_PO",
    "BREAKDOWN_END",
    "BREAKDOWN_EQUIPMENT",
    "BREAKDOWN_FAILURE_MODE",
    "BREAKDOWN_START",
    "BREAKDOWN_VIBRATION_TAG",
    "DRIFT_CHARACTERISTIC",
    "DRIFT_END_SHIFT_SIGMAS",
    "DRIFT_START",
    "LATE_SUPPLIER",
    "MINOR_STOP_SHIFT",
    "MINOR_STOP_SHIFT_FACTOR",
    "PLANT_CLOCK",
    "RECURRING_ALARMS",
    "VIBRATION_RAMP_START",
]

PLANT_CLOCK = datetime(2026, 11, 20, 6, 0)

# 1. CNC-03 (line 2): spindle bearing wear. Vibration and minor stops (D-403, alarm E-217) rise
#    over two weeks, then the spindle bearing fails on Saturday 11-14; corrective work order,
#    breakdown downtime (D-301) until the bearing is replaced; vibration back to normal after.
BREAKDOWN_EQUIPMENT = "CNC-03"
BREAKDOWN_VIBRATION_TAG = "CNC-03.VIB"
BREAKDOWN_FAILURE_MODE = "FM-SPB"
BREAKDOWN_START = datetime(2026, 11, 14, 10, 40)
BREAKDOWN_END = datetime(2026, 11, 14, 17, 25)
VIBRATION_RAMP_START = BREAKDOWN_START - timedelta(days=14)

# 2. Ningbo Huaxin Forging delivers late: over half of its PO lines arrive after the promised date
#    (on-time rate 45 %; the other suppliers 90-96 %).
LATE_SUPPLIER = "SUP-02"

# 3. VB-25 valve seat bore on CNC-04 drifts up toward its USL over the last three weeks (tool wear).
DRIFT_CHARACTERISTIC = "CH-VB25-SEAT"
DRIFT_START = PLANT_CLOCK - timedelta(days=21)
DRIFT_END_SHIFT_SIGMAS = 4.2  # mean shift at the plant clock, in within-subgroup sigmas

# 4. Materials whose available stock (on hand - reserved) is below the reorder point.
BELOW_REORDER_WITH_PO = ("RM-1101", "CP-2002", "PK-3001")
BELOW_REORDER_WITHOUT_PO = ("CP-2003",)

# 5. The night shift has clearly more minor stops (every line, every machine).
MINOR_STOP_SHIFT = "C"
MINOR_STOP_SHIFT_FACTOR = 2.0

# 6. Alarm codes that recur on one machine: (equipment, alarm code, mean occurrences per scheduled hour).
RECURRING_ALARMS: tuple[tuple[str, str, float], ...] = (
    ("ROB-01", "E-342", 0.22),
    ("WSH-02", "E-610", 0.10),
    ("PRS-01", "E-410", 0.06),
)
