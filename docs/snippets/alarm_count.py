from collections.abc import Callable

from sqlalchemy import func, select

from connectors.schema import Alarm, Equipment, Line
from tools import Provenance, Tool, ToolContext, ToolResult, UnknownEntityError, require_scope, tool


class AlarmCount(ToolResult):
    alarms: int


@tool(
    domain="equipment",
    description_zh="设备累计报警次数",
    examples=["How many alarms has CNC-03 raised?", "3号数控机床报警了多少次？"],
    sample_args={"equipment": "CNC-03"},
)
def alarm_count(ctx: ToolContext, equipment: str) -> AlarmCount:
    """How many alarms a machine has raised since the data starts.

    Args:
        equipment: Equipment code, e.g. "CNC-03".
    """
    machine = ctx.session.execute(select(Equipment.id, Line.code).join(Line).where(Equipment.code == equipment)).first()
    if machine is None:
        raise UnknownEntityError(f"no equipment {equipment!r} / 没有该设备", [])
    require_scope(ctx, machine.code)  # a user limited to other lines is refused
    count = ctx.session.scalar(select(func.count()).select_from(Alarm).where(Alarm.equipment_id == machine.id)) or 0
    return AlarmCount(
        summary=f"{equipment}: {count} alarms",
        alarms=count,
        scope={"equipment": equipment, "line": machine.code},
        provenance=Provenance(tables=["alarm", "equipment"], filters={"equipment": equipment}, row_count=count),
    )


def register_tools(register: Callable[[Tool], None]) -> None:
    register(alarm_count)
