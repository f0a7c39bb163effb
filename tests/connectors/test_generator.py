"""seed_plant: the same seed gives the same plant; an existing plant is never overwritten silently."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from connectors import DatabaseConfig, PlantExistsError, UnknownScaleError, open_engine, seed_plant
from connectors.demo import SCALES


def _seeded(path: Path, seed: int) -> Engine:
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{path}"))
    seed_plant(engine, scale="small", seed=seed)
    return engine


def test_same_seed_gives_the_same_plant(
    small_plant_engine: Engine, tmp_path: Path, plant_checksum: Callable[[Engine], str]
) -> None:
    progress: list[tuple[str, int, int]] = []
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{tmp_path / 'same.db'}"))
    summary = seed_plant(engine, scale="small", seed=7, progress=lambda *step: progress.append(step))
    assert plant_checksum(engine) == plant_checksum(small_plant_engine)
    assert summary.row_counts["line"] == 4
    assert summary.row_counts["equipment"] == 16
    # 5 weeks x 24 h x 16 machines, minus the hours lines 3 (Sundays) and 4 (nights, weekends) stand still.
    assert summary.row_counts["production_count"] == 11_640
    assert progress[-1] == ("lines", 4, 4)
    engine.dispose()


def test_refuses_to_seed_over_a_plant_and_force_replaces_it(
    tmp_path: Path, plant_checksum: Callable[[Engine], str]
) -> None:
    engine = _seeded(tmp_path / "plant.db", 7)
    before = plant_checksum(engine)
    with pytest.raises(PlantExistsError, match="already holds a plant; use --force"):
        seed_plant(engine, scale="small", seed=8)
    assert plant_checksum(engine) == before
    summary = seed_plant(engine, scale="small", seed=8, force=True)
    assert summary.seed == 8
    # Another seed, another plant.
    assert plant_checksum(engine) != before
    engine.dispose()


def test_unknown_scale_is_rejected_before_anything_is_created(tmp_path: Path) -> None:
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{tmp_path / 'plant.db'}"))
    with pytest.raises(UnknownScaleError, match="unknown scale 'huge' \\(choose one of: small, medium, large\\)"):
        seed_plant(engine, scale="huge", seed=7)
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def test_large_scale_is_big_enough_for_benchmarks() -> None:
    large = SCALES["large"]
    machines = 16 * (1 + large.line_copies)
    # Scheduled hours per machine per week: 4 machines 168 h (L1), 5 x 168 (L2), 4 x 144 (L3), 3 x 80 (L4).
    weekly = (4 * 168 + 5 * 168 + 4 * 144 + 3 * 80) / 16
    assert machines * weekly * large.days / 7 >= 10_000_000
