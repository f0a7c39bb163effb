"""Rule-based refusal of unsafe requests, in Chinese and English, before any tool or model runs.

Permissions are enforced by the tool layer; these rules exist so that a request to defeat a safety
device, silence alarms, release held material, falsify records, approve in bulk, write to the control
system or expose other people's data is refused with a reason instead of being routed to an agent at
all, while "why did the interlock trip?" is still answered. The categories and their wordings live in
one table, `agents.safety.rules.CATEGORIES`.
"""

from agents.safety.check import SafetyVerdict, check_request, refusal_text
from agents.safety.rules import SafetyCategory

__all__ = ["SafetyCategory", "SafetyVerdict", "check_request", "refusal_text"]
