"""Domain agent specs: six agents, their categories and their system prompts."""

from agents.specs.domains import (
    AGENT_SPECS,
    AgentCategory,
    AgentSpec,
    ISA95Level,
    RiskClass,
    ValueChainLink,
    get_spec,
)
from agents.specs.prompts import RULES_EN, RULES_ZH

__all__ = [
    "AGENT_SPECS",
    "RULES_EN",
    "RULES_ZH",
    "AgentCategory",
    "AgentSpec",
    "ISA95Level",
    "RiskClass",
    "ValueChainLink",
    "get_spec",
]
