"""The offline assistant with live data configured: "now" questions go to live_values and are answered from the
newest live sample with its source; trend questions still go to sensor_trend. The phrasings are not among
the tools' examples (the offline model's training data)."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from connectors import DatabaseConfig, open_engine
from connectors.live.demo_mapping import demo_mapping
from connectors.live.mapping import dump_mapping
from connectors.live.simulation import PlantSimulation
from connectors.live.store import LiveStore, Sample
from ui.cli import main

VIB_NODE = "ns=2;s=CNC-03.VIB"


@pytest.fixture
def live_home(small_plant_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".andon").mkdir()
    database = tmp_path / ".andon" / "plant.db"
    shutil.copy(small_plant_path, database)
    engine = open_engine(DatabaseConfig(url=f"sqlite:///{database}"))
    sim = PlantSimulation.from_plant(engine)
    mapping = demo_mapping(sim.tags, opcua_endpoint="opc.tcp://127.0.0.1:4840/andon/", opcua_lines={"L2"})
    (tmp_path / "live.yaml").write_text(dump_mapping(mapping), encoding="utf-8")
    (tmp_path / "andon.toml").write_text('live_mapping = "live.yaml"\n', encoding="utf-8")
    LiveStore(engine).write(
        [
            Sample("CNC-03.VIB", sim.start + timedelta(seconds=30), 3.412, "opcua", VIB_NODE),
            Sample("CNC-03.VIB", sim.start + timedelta(seconds=60), 3.587, "opcua", VIB_NODE),
        ]
    )
    engine.dispose()
    monkeypatch.chdir(tmp_path)
    for name in ("ANDON_LLM_BASE_URL", "ANDON_LLM_MODEL", "ANDON_LLM_API_KEY", "ANDON_DATA_HOME", "ANDON_LIVE_MAPPING"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _ask(capsys: pytest.CaptureFixture[str], question: str) -> dict[str, object]:
    with pytest.raises(SystemExit) as exited:
        main(["ask", question, "--json"])
    out, err = capsys.readouterr()
    assert exited.value.code == 0, err
    answer: dict[str, object] = json.loads(out)
    return answer


@pytest.mark.parametrize("question", ["CNC-03现在的振动是多少", "current vibration of CNC-03"])
def test_a_now_question_is_answered_from_the_newest_live_sample(
    live_home: Path, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    answer = _ask(capsys, question)
    calls = answer["tool_calls"]
    assert isinstance(calls, list)
    assert [(c["name"], c["args"]) for c in calls] == [("live_values", {"equipment": "CNC-03"})]
    text = str(answer["answer"])
    assert "3.587" in text
    assert VIB_NODE in text
    assert "3.412" not in text  # the older sample is not the current value


def test_a_trend_question_still_goes_to_sensor_trend(live_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answer = _ask(capsys, "CNC-03上周振动趋势")
    calls = answer["tool_calls"]
    assert isinstance(calls, list)
    assert [(c["name"], c["result"]["tag"], c["result"]["period"]["label"]) for c in calls] == [
        ("sensor_trend", "CNC-03.VIB", "上周")
    ]
