"""Loading external MCP servers' tools into a registry, each server like one plugin."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import mcp_types

from tools.mcp_client.config import McpServerConfig
from tools.mcp_client.sessions import McpSessions, ServerLink, one_line
from tools.mcp_client.tool import McpTool
from tools.registry import BrokenPlugin, Registry

__all__ = ["add_mcp_servers"]


def add_mcp_servers(registry: Registry, servers: Iterable[McpServerConfig], sessions: McpSessions) -> None:
    """Add every server's tools to `registry` (all or nothing per server, like a plugin).

    A server that cannot be started or reached, times out, or lists a tool Andon cannot take is
    recorded in `registry.broken` with its error; the other servers still load. Servers are
    reached in parallel, so one slow server costs its own timeout, not the sum of all of them.
    """
    links = [sessions.link(config) for config in servers]
    if not links:
        return
    with ThreadPoolExecutor(max_workers=min(8, len(links)), thread_name_prefix="andon-mcp-load") as pool:
        listings = list(pool.map(_listing, links))
    for link, listing in zip(links, listings, strict=True):
        config = link.config
        try:
            if isinstance(listing, Exception):
                raise listing
            registry.add_all([McpTool(remote, config, link) for remote in listing], source=config.source)
        except Exception as exc:  # one server's failure must not take the others down
            link.close()
            registry.broken.append(BrokenPlugin(config.source, f"{config.where()}: {one_line(exc)}"))


def _listing(link: ServerLink) -> list[mcp_types.Tool] | Exception:
    try:
        return link.list_tools()
    except Exception as exc:
        return exc
