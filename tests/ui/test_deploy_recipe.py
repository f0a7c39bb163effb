"""The deployment recipe (deploy/compose.yaml) names only settings Andon has, runs the pieces the
scale-out topology runs, and keeps the balancer sticky and the console behind sign-in."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from ui.config import AndonSettings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _compose() -> dict[str, object]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_services_are_the_scale_out_topology() -> None:
    services = _compose()["services"]
    assert isinstance(services, dict)
    assert sorted(services) == ["audit-checkpoint", "balancer", "chroma", "console", "postgres", "setup", "vllm"]
    assert services["console"]["command"] == ["andon", "ui", "--host", "0.0.0.0", "--port", "7860"]
    assert services["console"]["deploy"]["replicas"] == "${ANDON_WORKERS:-2}"
    assert services["chroma"]["command"][:2] == ["chroma", "run"]
    assert services["vllm"]["profiles"] == ["llm"]
    assert services["balancer"]["ports"] == ["${ANDON_PUBLISH:-127.0.0.1:8080}:8080"]
    # Only the balancer is reachable from outside the compose network.
    assert [name for name, spec in services.items() if "ports" in spec] == ["balancer"]


def test_every_andon_variable_of_the_recipe_is_a_setting() -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    names = sorted({m.lower() for m in re.findall(r"^\s+ANDON_([A-Z_]+):", text, flags=re.MULTILINE)})
    assert names == [
        "audit_checkpoint_key",
        "audit_checkpoints",
        "chroma_url",
        "database_url",
        "llm_base_url",
        "llm_model",
        "shared_state",
    ]
    assert set(names) <= set(AndonSettings.model_fields)
    console_env = _compose()["services"]["console"]["environment"]  # type: ignore[index]
    assert console_env["ANDON_SHARED_STATE"] == "database"
    assert console_env["ANDON_DATABASE_URL"].startswith("postgresql+psycopg://andon:")


def test_the_balancer_is_sticky_and_streams() -> None:
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream andon_console \{(.*?)\}", conf, flags=re.DOTALL)
    assert upstream is not None
    assert [line.strip() for line in upstream.group(1).strip().splitlines()] == ["ip_hash;", "server console:7860;"]
    assert "proxy_buffering off;" in conf
    assert 'proxy_set_header Connection "upgrade";' in conf


def test_the_example_configuration_turns_sign_in_on_with_real_users() -> None:
    example = tomllib.loads((DEPLOY / "andon.example.toml").read_text(encoding="utf-8"))
    settings = AndonSettings.model_validate(example)
    assert settings.ui_auth is True
    assert [(u.name, u.role) for u in settings.users or []] == [("li.wei", "operator"), ("zhang.min", "engineer")]
