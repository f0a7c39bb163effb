"""Plugins load through the `andon.tools` entry-point group; broken ones are reported, not fatal.

The first tests drive `load_registry` with entry points of throwaway modules; the last ones install
the example plugin and a broken plugin for real (pip, into a virtual environment that sees this
environment's packages) and use them from a fresh interpreter.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import site
import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from tools import ENTRY_POINT_GROUP, load_registry

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "andon-plugin-example"

_TOOL_MODULE = '''
from tools import Provenance, ToolContext, ToolResult, tool

@tool(domain="{domain}", description_zh="示例", examples=["example", "示例"])
def {name}(ctx: ToolContext) -> ToolResult:
    """An example tool."""
    return ToolResult(summary="ok", provenance=Provenance(tables=["t"]))

def register_tools(register):
    register({name})
'''


def _entry(name: str, module: str) -> EntryPoint:
    return EntryPoint(name=name, value=f"{module}:register_tools", group=ENTRY_POINT_GROUP)


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _write(folder: Path, module: str, source: str) -> None:
    (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")


def test_plugins_register_their_tools(plugin_dir: Path) -> None:
    _write(plugin_dir, "plug_a", _TOOL_MODULE.format(domain="equipment", name="vibration_peaks"))
    _write(plugin_dir, "plug_b", _TOOL_MODULE.format(domain="quality", name="gauge_rr"))
    registry = load_registry(plugins=[_entry("a", "plug_a"), _entry("b", "plug_b")])
    assert [(item.name, item.source) for item in registry] == [("vibration_peaks", "a"), ("gauge_rr", "b")]
    assert registry.broken == []


def test_a_plugin_that_fails_to_import_is_reported_and_the_others_load(plugin_dir: Path) -> None:
    _write(plugin_dir, "plug_ok", _TOOL_MODULE.format(domain="equipment", name="spindle_hours"))
    _write(plugin_dir, "plug_broken", "raise ImportError('needs the vendor SDK')\n")
    registry = load_registry(plugins=[_entry("broken", "plug_broken"), _entry("ok", "plug_ok")])
    assert registry.names == ["spindle_hours"]
    assert [(plugin.name, plugin.error) for plugin in registry.broken] == [
        ("broken", "ImportError: needs the vendor SDK")
    ]


def test_a_plugin_that_fails_while_registering_adds_nothing(plugin_dir: Path) -> None:
    source = _TOOL_MODULE.format(domain="equipment", name="half_done") + "    raise RuntimeError('no licence')\n"
    _write(plugin_dir, "plug_half", source)
    registry = load_registry(plugins=[_entry("half", "plug_half")])
    assert registry.names == []
    assert registry.broken[0].error == "RuntimeError: no licence"


def test_a_plugin_reusing_a_taken_name_is_broken(plugin_dir: Path) -> None:
    _write(plugin_dir, "plug_first", _TOOL_MODULE.format(domain="equipment", name="energy"))
    _write(plugin_dir, "plug_second", _TOOL_MODULE.format(domain="equipment", name="energy"))
    registry = load_registry(plugins=[_entry("first", "plug_first"), _entry("second", "plug_second")])
    assert [item.source for item in registry] == ["first"]
    assert registry.broken[0].name == "second"
    assert "'energy' is already registered by first" in registry.broken[0].error


def test_the_allow_list_restricts_plugins_but_builtin_always_loads(plugin_dir: Path) -> None:
    _write(plugin_dir, "plug_builtin", _TOOL_MODULE.format(domain="production", name="line_status"))
    _write(plugin_dir, "plug_x", _TOOL_MODULE.format(domain="equipment", name="x_tool"))
    _write(plugin_dir, "plug_y", _TOOL_MODULE.format(domain="equipment", name="y_tool"))
    plugins = [_entry("builtin", "plug_builtin"), _entry("x", "plug_x"), _entry("y", "plug_y")]
    assert load_registry(["y"], plugins=plugins).names == ["line_status", "y_tool"]
    assert load_registry([], plugins=plugins).names == ["line_status"]
    assert load_registry(None, plugins=plugins).names == ["line_status", "x_tool", "y_tool"]


def test_builtin_is_declared_in_the_entry_point_group() -> None:
    from tools import discover_plugins

    builtin = [ep for ep in discover_plugins() if ep.name == "builtin"]
    assert [ep.value for ep in builtin] == ["tools.builtin:register_tools"]


# --- a real installation -------------------------------------------------------------------------

_BROKEN_PYPROJECT = """
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "andon-broken-plugin"
version = "0.1.0"

[project.entry-points."andon.tools"]
broken = "andon_broken_plugin:register_tools"

[tool.setuptools]
packages = ["andon_broken_plugin"]
"""

_PROBE = """
import json, sys
from datetime import datetime
from pathlib import Path
from sqlmodel import Session
from tools import AuditLog, Role, invoke, load_registry
from tools.testing import context_for, memory_engine

reports = []
for allow in json.loads(sys.argv[1]):
    registry = load_registry(allow)
    report = {"tools": {t.name: t.source for t in registry}, "broken": {p.name: p.error for p in registry.broken}}
    if "equipment_energy" in registry:
        with Session(memory_engine()) as session:
            ctx = context_for(session, role=Role.OPERATOR, clock=datetime(2026, 11, 20, 6))
            args = {"equipment": "CNC-03", "period": "2026-11-15"}
            outcome = invoke(registry.get("equipment_energy"), ctx, args, audit=AuditLog(Path(sys.argv[2])))
            report["call"] = outcome.to_dict()
    reports.append(report)
print(json.dumps(reports))
"""


def _can_build_without_isolation() -> bool:
    import setuptools

    version = tuple(int(part) for part in setuptools.__version__.split(".")[:2])
    return version >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _see_this_environment(python: Path) -> None:
    """Let the new environment import what this one has (andon, pip, pydantic...), like
    --system-site-packages, but also when the tests themselves run inside a virtual environment."""
    out = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    parents = [*site.getsitepackages(), site.getusersitepackages()]
    lines = [f"import site; site.addsitedir({folder!r})" for folder in parents if Path(folder).is_dir()]
    (Path(out.stdout.strip()) / "_andon_parent_env.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment that sees this one, with the example plugin and a broken plugin installed."""
    root = tmp_path_factory.mktemp("plugin-env")
    example = shutil.copytree(EXAMPLE, root / "example", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    broken = root / "broken"
    (broken / "andon_broken_plugin").mkdir(parents=True)
    (broken / "pyproject.toml").write_text(_BROKEN_PYPROJECT, encoding="utf-8")
    (broken / "andon_broken_plugin" / "__init__.py").write_text(
        "raise ImportError('energy_sdk is not installed')\n", encoding="utf-8"
    )
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], check=True, timeout=120)
    python = root / "venv" / "bin" / "python"
    _see_this_environment(python)
    # Building needs no network when this environment can build wheels itself; otherwise pip fetches
    # the build backend from its configured index into an isolated build environment.
    isolation = ["--no-build-isolation"] if _can_build_without_isolation() else []
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", *isolation, str(example), str(broken)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return python


@pytest.fixture(scope="module")
def probes(plugin_env: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a fresh interpreter in the plugin environment loads with no allow-list, an empty one and one plugin."""
    audit = tmp_path_factory.mktemp("probe") / "audit.jsonl"
    allow_lists = [None, [], ["andon-energy-meter"]]
    out = subprocess.run(
        [str(plugin_env), "-c", _PROBE, json.dumps(allow_lists), str(audit)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    everything, only_builtin, one_plugin = json.loads(out.stdout)
    return {"all": everything, "none": only_builtin, "energy": one_plugin, "audit": audit.read_text()}


@pytest.mark.slow
def test_installed_plugin_is_discovered_and_called_end_to_end(probes: dict[str, Any]) -> None:
    assert probes["all"]["tools"]["equipment_energy"] == "andon-energy-meter"
    call = probes["all"]["call"]
    assert call["status"] == "ok"
    # Sunday 2026-11-15: CNC-03 on standby, 19 kWh x 8 % = 1.52 kWh every hour.
    assert call["result"]["total_kwh"] == pytest.approx(36.48)
    assert call["result"]["provenance"] == {
        "tables": ["energy_meter.csv"],
        "filters": {"equipment": "CNC-03", "period": "2026-11-15"},
        "row_count": 24,
    }
    assert '"tool":"equipment_energy"' in probes["audit"]


@pytest.mark.slow
def test_installed_broken_plugin_is_listed_as_broken(probes: dict[str, Any]) -> None:
    assert probes["all"]["broken"]["broken"] == "ImportError: energy_sdk is not installed"
    assert "equipment_energy" in probes["all"]["tools"]


@pytest.mark.slow
def test_installed_plugins_obey_the_allow_list(probes: dict[str, Any]) -> None:
    assert "equipment_energy" not in probes["none"]["tools"]
    assert "broken" not in probes["none"]["broken"]
    assert probes["energy"]["tools"]["equipment_energy"] == "andon-energy-meter"
    assert "broken" not in probes["energy"]["broken"]


@pytest.mark.slow
def test_andon_tools_list_shows_the_plugin_and_the_broken_one(plugin_env: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [str(plugin_env), "-c", "from ui.cli import main; main()", "tools", "list", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    listed = json.loads(out.stdout)
    energy = next(item for item in listed["tools"] if item["name"] == "equipment_energy")
    assert (energy["source"], energy["domain"], energy["permission"]) == ("andon-energy-meter", "equipment", "read")
    assert energy["parameters"]["required"] == ["equipment"]
    assert {"name": "broken", "error": "ImportError: energy_sdk is not installed"} in listed["broken"]


@pytest.mark.slow
def test_the_example_plugin_passes_its_own_conformance_tests(plugin_env: Path) -> None:
    out = subprocess.run(
        [str(plugin_env), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:]
    assert "9 passed" in out.stdout


_SETTINGS_MODULE = '''
from pydantic import BaseModel, ConfigDict

from tools import Provenance, ToolContext, ToolResult, plugin_settings, tool


class HistorianSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    timeout_s: float = 5.0


class Reading(ToolResult):
    url: str
    timeout_s: float


@plugin_settings(HistorianSettings)
def register_tools(register, settings):
    @tool(domain="equipment", description_zh="历史数据", examples=["historian reading", "历史数据读数"])
    def historian_reading(ctx: ToolContext) -> Reading:
        """Where the historian is read from."""
        return Reading(summary="ok", provenance=Provenance(tables=[]), url=settings.url, timeout_s=settings.timeout_s)

    register(historian_reading)
'''


def test_a_plugin_gets_its_own_settings_section_validated_by_its_model(plugin_dir: Path) -> None:
    from sqlmodel import Session

    from tools.testing import context_for, memory_engine

    _write(plugin_dir, "plug_hist", _SETTINGS_MODULE)
    settings = {"historian": {"url": "opc.tcp://hist:4840", "timeout_s": 2.5}}
    registry = load_registry(plugins=[_entry("historian", "plug_hist")], settings=settings)
    assert registry.broken == []
    with Session(memory_engine()) as session:
        result = registry.get("historian_reading").call(
            context_for(session), registry.get("historian_reading").validate_args({})
        )
    assert (result.url, result.timeout_s) == ("opc.tcp://hist:4840", 2.5)


def test_bad_or_stray_plugin_settings_are_one_line_reasons_and_other_plugins_load(plugin_dir: Path) -> None:
    _write(plugin_dir, "plug_hist", _SETTINGS_MODULE)
    _write(plugin_dir, "plug_a", _TOOL_MODULE.format(domain="equipment", name="vibration_peaks"))
    entries = [_entry("historian", "plug_hist"), _entry("a", "plug_a")]
    missing = load_registry(plugins=entries)
    assert [(b.name, b.error) for b in missing.broken] == [
        ("historian", "invalid settings [plugins.historian] url: Field required")
    ]
    assert [t.name for t in missing] == ["vibration_peaks"]
    wrong = load_registry(
        plugins=entries, settings={"historian": {"url": "x", "timeout_s": "soon"}, "a": {"k": 1}, "ghost": {}}
    )
    assert [(b.name, b.error) for b in wrong.broken] == [
        (
            "historian",
            "invalid settings [plugins.historian] timeout_s: Input should be a valid number, "
            "unable to parse string as a number",
        ),
        ("a", "ValueError: [plugins.a] is set, but the plugin takes no settings"),
        ("ghost", "[plugins.ghost] configures no installed plugin"),
    ]
