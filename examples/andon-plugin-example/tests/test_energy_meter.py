"""The plugin's own tests: Andon's conformance kit, then the figures of a few hand-checked calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from andon_energy_meter import EnergyResult, equipment_energy
from sqlmodel import Session

from tools import PermissionDeniedError, Role, ToolContext, UnknownEntityError
from tools.testing import ToolConformance, context_for, memory_engine

PLANT_CLOCK = datetime(2026, 11, 20, 6, 0)


@pytest.fixture
def session() -> Iterator[Session]:
    with Session(memory_engine()) as session:
        yield session


class TestEquipmentEnergyConformance(ToolConformance):
    tool = equipment_energy

    @pytest.fixture
    def tool_context(self, session: Session) -> ToolContext:
        return context_for(session, clock=PLANT_CLOCK)


def test_sunday_is_standby_only(session: Session) -> None:
    # 2026-11-15 is a Sunday: CNC-03 (base 19 kWh/h) draws 8 % standby, 1.52 kWh every hour.
    ctx = context_for(session, clock=PLANT_CLOCK)
    result = equipment_energy.call(ctx, equipment_energy.validate_args({"equipment": "cnc-03", "period": "2026-11-15"}))
    assert isinstance(result, EnergyResult)
    assert result.hours_metered == 24
    assert result.total_kwh == pytest.approx(24 * 1.52)
    assert result.provenance.row_count == 24
    assert result.total_count == 24
    assert not result.complete


def test_unknown_equipment_suggests_near_codes(session: Session) -> None:
    ctx = context_for(session, clock=PLANT_CLOCK)
    with pytest.raises(UnknownEntityError) as caught:
        equipment_energy.call(ctx, equipment_energy.validate_args({"equipment": "CNC-3"}))
    assert "CNC-03" in caught.value.suggestions


def test_scoped_operator_cannot_read_another_line(session: Session) -> None:
    ctx = context_for(session, role=Role.OPERATOR, scopes=["L1"], clock=PLANT_CLOCK)
    with pytest.raises(PermissionDeniedError):
        equipment_energy.call(ctx, equipment_energy.validate_args({"equipment": "CNC-03"}))
