"""The six domain agents as specs: what each knows, where it sits (category) and how it is told to behave."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from agents.specs.prompts import system_prompt

__all__ = [
    "AGENT_SPECS",
    "AgentCategory",
    "AgentSpec",
    "ISA95Level",
    "RiskClass",
    "ValueChainLink",
    "get_spec",
]

ValueChainLink = Literal["rd_design", "pilot_verification", "production", "marketing_service", "operations_management"]
ISA95Level = Literal["L2", "L3", "L4"]
RiskClass = Literal["read_only", "proposes_writes", "actuates"]

VALUE_CHAIN_ZH: dict[str, str] = {
    "rd_design": "研发设计",
    "pilot_verification": "中试验证",
    "production": "生产制造",
    "marketing_service": "营销服务",
    "operations_management": "运营管理",
}


@dataclass(frozen=True)
class AgentCategory:
    """Classification (分类) of an agent: value-chain link x ISA-95 levels touched x risk class."""

    value_chain: ValueChainLink
    isa95_levels: tuple[ISA95Level, ...]
    risk_class: RiskClass

    @property
    def value_chain_zh(self) -> str:
        return VALUE_CHAIN_ZH[self.value_chain]


@dataclass(frozen=True)
class AgentSpec:
    """A domain agent: name, descriptions, category, the tool domains it uses and its role lines."""

    name: str
    description_en: str
    description_zh: str
    category: AgentCategory
    role_en: str
    role_zh: str
    tool_domains: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.tool_domains:
            object.__setattr__(self, "tool_domains", (self.name,))

    def system_prompt(self, lang: str) -> str:
        """System prompt in "zh" or "en"."""
        return system_prompt(self.role_en, self.role_zh, lang)

    def description(self, lang: str) -> str:
        return self.description_zh if lang == "zh" else self.description_en


AGENT_SPECS: dict[str, AgentSpec] = {
    spec.name: spec
    for spec in (
        AgentSpec(
            name="production",
            description_en="Output, OEE, availability, performance, downtime and production orders of lines.",
            description_zh="产线和班次的产量、OEE、可用率、性能、停机和生产订单。",
            category=AgentCategory("production", ("L3",), "read_only"),
            role_en="You are the production agent of a factory: you answer questions about output, OEE (ISO 22400), "
            "availability, performance, downtime and production orders of lines, equipment and shifts.",
            role_zh="你是工厂的生产智能体：回答产线、设备和班次的产量、OEE（ISO 22400）、可用率、性能、停机"
            "以及生产订单相关的问题。",
        ),
        AgentSpec(
            name="quality",
            description_en="Inspections, defects, scrap, first pass yield and SPC (Cp/Cpk, out-of-control points).",
            description_zh="检验、缺陷、报废、一次合格率以及SPC（Cp/Cpk、失控点）。",
            category=AgentCategory("production", ("L3",), "read_only"),
            role_en="You are the quality agent of a factory: you answer questions about inspections, defects and their "
            "codes, scrap, first pass yield and SPC (control limits, Cp/Cpk, drifting characteristics).",
            role_zh="你是工厂的质量智能体：回答检验、缺陷及缺陷代码、报废、一次合格率和SPC（控制限、Cp/Cpk、漂移的质量特性）相关的问题。",
        ),
        AgentSpec(
            name="maintenance",
            description_en="Maintenance work orders, failure history, MTBF / MTTR and proposed maintenance requests.",
            description_zh="维修工单、故障历史、MTBF/MTTR，以及维修申请（需审批的提议）。",
            category=AgentCategory("operations_management", ("L3",), "proposes_writes"),
            role_en="You are the maintenance agent of a factory: you answer questions about maintenance work orders "
            "(corrective and preventive, not production orders), failure modes and history, MTBF and MTTR, and you "
            "may propose maintenance requests for a person to approve.",
            role_zh="你是工厂的维修智能体：回答维修工单（纠正性和预防性，不是生产订单）、故障模式和历史、MTBF与MTTR相关的问题，"
            "并可提出维修申请，由有权限的人员审批。",
        ),
        AgentSpec(
            name="equipment",
            description_en="Equipment status, sensor readings and trends, alarms and anomalies.",
            description_zh="设备状态、传感器读数和趋势、报警和异常。",
            category=AgentCategory("production", ("L2", "L3"), "read_only"),
            role_en="You are the equipment agent of a factory: you answer questions about equipment and its sensors "
            "(vibration, temperature, current, pressure), trends, alarms and anomalies.",
            role_zh="你是工厂的设备智能体：回答设备及其传感器（振动、温度、电流、压力）、趋势、报警和异常相关的问题。",
        ),
        AgentSpec(
            name="supply_chain",
            description_en="Inventory, reorder points, purchase orders, supplier delivery and sales order delivery.",
            description_zh="库存、再订货点、采购订单、供应商交付和销售订单交付。",
            category=AgentCategory("operations_management", ("L4",), "proposes_writes"),
            role_en="You are the supply chain agent of a factory: you answer questions about materials, inventory by "
            "location and lot, reorder points, purchase orders, supplier on-time delivery and sales order delivery.",
            role_zh="你是工厂的供应链智能体：回答物料、按库位和批次的库存、再订货点、采购订单、供应商准时交付和销售订单交付相关的问题。",
        ),
        AgentSpec(
            name="knowledge",
            description_en="Process documents: procedures, work instructions, specifications, with citations.",
            description_zh="工艺文件：规程、作业指导书、规范，并注明出处。",
            category=AgentCategory("operations_management", (), "read_only"),
            role_en="You are the knowledge agent of a factory: you answer from the plant's process documents "
            "(procedures, work instructions, specifications, safety rules) and cite every passage you use.",
            role_zh="你是工厂的知识智能体：根据工厂的工艺文件（规程、作业指导书、规范、安全规定）回答问题，并注明所引用的每一段出处。",
        ),
    )
}


def get_spec(name: str) -> AgentSpec:
    """The spec of a domain agent by name; KeyError names the known agents."""
    try:
        return AGENT_SPECS[name]
    except KeyError:
        raise KeyError(f"unknown agent {name!r}; known: {', '.join(AGENT_SPECS)}") from None
