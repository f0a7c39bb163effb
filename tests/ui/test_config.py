"""Configuration: andon.toml + ANDON_* environment, secrets masked, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.config import AndonSettings, ConfigError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("ANDON_"):
            monkeypatch.delenv(key)


def test_defaults_put_everything_in_dot_andon(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.data_home == tmp_path / ".andon"
    assert settings.effective_database_url == f"sqlite:///{(tmp_path / '.andon' / 'plant.db').as_posix()}"
    assert settings.chroma_url is None
    assert settings.llm_configured is False
    assert settings.ui_host == "127.0.0.1"


def test_toml_file_with_sections_and_flat_keys(tmp_path: Path) -> None:
    (tmp_path / "andon.toml").write_text(
        'data_home = "/srv/andon"\nchroma_url = "http://127.0.0.1:8000"\n\n'
        '[llm]\nbase_url = "http://gpu:8000/v1"\nmodel = "qwen3-32b"\napi_key = "sk-secret"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    assert settings.data_home == Path("/srv/andon")
    assert settings.chroma_url == "http://127.0.0.1:8000"
    assert settings.llm_base_url == "http://gpu:8000/v1"
    assert settings.llm_model == "qwen3-32b"
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-secret"
    assert settings.llm_configured is True


def test_environment_wins_over_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "andon.toml").write_text('llm_model = "from-file"\n', encoding="utf-8")
    monkeypatch.setenv("ANDON_LLM_MODEL", "from-env")
    monkeypatch.setenv("ANDON_DATABASE_URL", "postgresql+psycopg://andon:pw@db/andon")
    settings = load_settings(tmp_path)
    assert settings.llm_model == "from-env"
    assert settings.effective_database_url == "postgresql+psycopg://andon:pw@db/andon"


def test_unreadable_toml_is_one_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "andon.toml").write_text("data_home = [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    message = str(caught.value)
    assert "andon.toml" in message
    assert "not valid TOML" in message
    assert "\n" not in message


def test_unknown_key_is_rejected_by_name(tmp_path: Path) -> None:
    (tmp_path / "andon.toml").write_text('databse_url = "sqlite://"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="databse_url"):
        load_settings(tmp_path)


def test_invalid_value_names_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANDON_UI_PORT", "not-a-port")
    with pytest.raises(ConfigError, match="ui_port"):
        load_settings(tmp_path)


def test_settings_are_typed() -> None:
    assert AndonSettings.model_fields["llm_api_key"].annotation is not None


def test_openai_variables_configure_the_endpoint_when_andon_sets_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("ANDON_LLM_MODEL", "Qwen/Qwen3-8B")
    settings = load_settings(tmp_path)
    assert settings.llm_base_url == "http://127.0.0.1:8000/v1"
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-openai"
    assert settings.llm_configured is True


def test_andon_variables_win_over_openai_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai.example/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("ANDON_LLM_BASE_URL", "http://127.0.0.1:9000/v1")
    settings = load_settings(tmp_path)
    assert settings.llm_base_url == "http://127.0.0.1:9000/v1"
    # The OpenAI key is never sent to an endpoint configured elsewhere.
    assert settings.llm_api_key is None


def test_andon_toml_wins_over_openai_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "andon.toml").write_text('[llm]\nbase_url = "http://gpu-box:8000/v1"\n', encoding="utf-8")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai.example/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    settings = load_settings(tmp_path)
    assert settings.llm_base_url == "http://gpu-box:8000/v1"
    assert settings.llm_api_key is None


def test_andon_key_wins_over_the_openai_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("ANDON_LLM_API_KEY", "sk-andon")
    settings = load_settings(tmp_path)
    assert settings.llm_base_url == "http://127.0.0.1:8000/v1"
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-andon"


def test_openai_key_alone_configures_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    settings = load_settings(tmp_path)
    assert settings.llm_base_url is None
    assert settings.llm_api_key is None
    assert settings.llm_configured is False


def test_plugin_sections_of_andon_toml_are_read_per_plugin(tmp_path: Path) -> None:
    (tmp_path / "andon.toml").write_text(
        '[plugins.historian]\nurl = "opc.tcp://hist:4840"\ntimeout_s = 2.5\n\n[plugins.energy_meter]\nsite = "S1"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    assert settings.plugins == {
        "historian": {"url": "opc.tcp://hist:4840", "timeout_s": 2.5},
        "energy_meter": {"site": "S1"},
    }
