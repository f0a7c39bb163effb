"""`andon config init`: a commented andon.toml that loads back into the settings it was written from."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from ui.config import AndonSettings, load_settings
from ui.config_file import render_config_file, toml_value


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(("ANDON_", "OPENAI_")):
            monkeypatch.delenv(key)


def _comparable(settings: AndonSettings) -> dict[str, object]:
    return settings.model_dump(mode="json", exclude={"llm_api_key", "embedding_api_key"})


def test_default_file_is_all_comments_and_loads_into_the_defaults(tmp_path: Path) -> None:
    text = render_config_file(load_settings(tmp_path), tmp_path)
    (tmp_path / "andon.toml").write_text(text, encoding="utf-8")
    assert tomllib.loads(text) == {}
    assert "# ui_port = 7860" in text
    assert "(ANDON_LLM_BASE_URL)" in text
    assert _comparable(load_settings(tmp_path)) == _comparable(AndonSettings(data_home=tmp_path / ".andon"))


def test_init_writes_the_effective_settings_and_they_load_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, andon_cli
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANDON_UI_PORT", "7999")
    monkeypatch.setenv("ANDON_LLM_BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("ANDON_LLM_MODEL", "Qwen/Qwen3-8B")
    monkeypatch.setenv("ANDON_LLM_API_KEY", "sk-never-in-the-file")
    monkeypatch.setenv("ANDON_LLM_EXTRA_BODY", '{"chat_template_kwargs": {"enable_thinking": false}}')
    monkeypatch.setenv("ANDON_TOOLS_ALLOW", '["energy_meter"]')
    monkeypatch.setenv(
        "ANDON_USERS", '[{"name": "li.wei", "role": "engineer", "scopes": ["L2"], "password_hash": "scrypt$1$2$3$a$b"}]'
    )
    written = load_settings(tmp_path)
    code, out, _ = andon_cli("config", "init")
    assert code == 0
    assert "andon.toml" in out
    text = (tmp_path / "andon.toml").read_text(encoding="utf-8")
    assert "sk-never-in-the-file" not in text
    assert 'llm_model = "Qwen/Qwen3-8B"' in text
    assert "ui_port = 7999" in text
    for key in list(os.environ):
        if key.startswith("ANDON_"):
            monkeypatch.delenv(key)
    loaded = load_settings(tmp_path)
    assert _comparable(loaded) == _comparable(written)
    assert loaded.ui_port == 7999
    assert loaded.llm_extra_body == {"chat_template_kwargs": {"enable_thinking": False}}
    assert loaded.users is not None
    assert [(u.name, u.role, u.scopes) for u in loaded.users] == [("li.wei", "engineer", ["L2"])]
    assert loaded.llm_api_key is None


def test_init_keeps_an_existing_file_unless_forced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, andon_cli) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "andon.toml").write_text("ui_port = 7001\n", encoding="utf-8")
    code, _, err = andon_cli("config", "init")
    assert code == 2
    assert "--force" in err
    assert (tmp_path / "andon.toml").read_text(encoding="utf-8") == "ui_port = 7001\n"
    code, _, _ = andon_cli("config", "init", "--force")
    assert code == 0
    assert load_settings(tmp_path).ui_port == 7001  # the effective value was kept in the new file


def test_every_commented_example_is_valid_toml_for_its_setting(tmp_path: Path) -> None:
    text = render_config_file(load_settings(tmp_path), tmp_path)
    examples = [
        line[2:]
        for line in text.splitlines()
        if line.startswith("# ") and " = " in line and "..." not in line and line[2:3].islower()
    ]
    flat = "\n".join(line for line in examples if not line.startswith(("name", "role", "scopes", "command")))
    loaded = tomllib.loads(flat.split("\n[[")[0])
    assert loaded["ui_port"] == 7860
    assert loaded["database_url"] == "postgresql+psycopg://andon:secret@db.plant.local/andon"
    settings = AndonSettings(**{k: v for k, v in loaded.items() if k in AndonSettings.model_fields})
    assert settings.llm_extra_body == {"chat_template_kwargs": {"enable_thinking": False}}
    assert settings.tools_allow == ["energy_meter"]


def test_toml_values() -> None:
    assert toml_value("2号线") == '"2号线"'
    assert toml_value(Path("/srv/andon")) == '"/srv/andon"'
    assert toml_value({"a": [1, 2.5, True]}) == '{ "a" = [1, 2.5, true] }'
