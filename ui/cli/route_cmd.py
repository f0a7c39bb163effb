"""`andon route`: where requests would go (domains, confidence), so routing can be measured on its own."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ui.cli.common import console, print_json, settings

if TYPE_CHECKING:
    from agents.routing import Router
    from ui.config import AndonSettings

__all__ = ["build_router", "read_requests", "register_route"]


class Tier(StrEnum):
    AUTO = "auto"
    SMALL = "small"
    LLM = "llm"


def read_requests(texts: list[str], file: Path | None) -> list[str]:
    """The requests of the command line followed by one per non-empty line of `file`."""
    from agents.errors import AgentError

    requests = [text.strip() for text in texts if text.strip()]
    if file is not None:
        try:
            content = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise AgentError(f"request file not found: {file} / 找不到请求文件: {file}") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise AgentError(f"request file {file} cannot be read ({reason}) / 无法读取请求文件") from None
        requests.extend(line.strip() for line in content.splitlines() if line.strip())
    if not requests:
        raise AgentError("no request given: pass TEXT or --file F / 没有请求: 请给出文本或 --file 文件")
    return requests


def _tool_examples(config: AndonSettings) -> list[tuple[str, str, float]]:
    """Example requests declared on the registered tools (built-ins and allowed plugins)."""
    from agents.routing import examples_from_tools
    from tools.plugins import load_registry

    return examples_from_tools(load_registry(config.tools_allow, settings=config.plugins).tools)


def build_router(config: AndonSettings, tier: Tier = Tier.AUTO) -> Router:
    """Tier 1 trained on the routing set, the lexicon and the tool examples; tier 2 on top when an
    LLM is configured (auto) or asked for (llm)."""
    from agents.errors import AgentError
    from agents.routing import LLMRouter, SmallModelRouter

    if tier is Tier.LLM and not config.llm_configured:
        raise AgentError("no LLM configured: set ANDON_LLM_BASE_URL and ANDON_LLM_MODEL / 未配置大模型")
    small = SmallModelRouter.train(extra=_tool_examples(config), cache_dir=config.data_home / "cache")
    if tier is Tier.SMALL or not config.llm_configured or config.llm_base_url is None or config.llm_model is None:
        return small
    from agents.models.openai_compatible import LLMConfig, make_openai_chat_model

    llm = LLMConfig(
        base_url=config.llm_base_url,
        model=config.llm_model,
        timeout_s=config.llm_timeout_s,
        max_retries=config.llm_max_retries,
        max_tokens=config.llm_max_tokens,
        stream=config.llm_stream,
        extra_body=config.llm_extra_body,
        **({"api_key": config.llm_api_key} if config.llm_api_key is not None else {}),
    )
    return LLMRouter(make_openai_chat_model(llm), fallback=small)


def register_route(app: typer.Typer) -> None:
    """Add the `route` command to the root app."""

    @app.command("route")
    def route(
        texts: Annotated[
            list[str] | None, typer.Argument(help="Requests to route (quote each one). / 待路由的请求")
        ] = None,
        file: Annotated[Path | None, typer.Option("--file", "-f", help="One request per line. / 每行一个请求")] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print a JSON list, in input order. / 按输入顺序输出 JSON 列表")
        ] = False,
        tier: Annotated[
            Tier,
            typer.Option(help="small: local model only; llm: require the LLM. / small：仅本地模型；llm：必须用大模型"),
        ] = Tier.AUTO,
    ) -> None:
        """Route requests to domain agents (or out-of-scope / clarify) and show the decision.

        将请求路由到领域智能体并显示决策
        """
        requests = read_requests(texts or [], file)
        router = build_router(settings(), tier)
        decisions = router.route_many(requests)
        if as_json:
            print_json([{"text": text, **d.model_dump()} for text, d in zip(requests, decisions, strict=True)])
            return
        from rich.table import Table

        table = Table("request / 请求", "domains / 领域", "kind / 类型", "confidence / 置信度")
        for text, decision in zip(requests, decisions, strict=True):
            table.add_row(text, ", ".join(decision.domains) or "-", decision.kind, f"{decision.confidence:.2f}")
        console.print(table)
