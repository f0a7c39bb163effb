"""Sessions with external MCP servers, kept open on one background event loop.

Tools are called synchronously (`invoke` runs in the caller's thread), the MCP SDK is async. One
daemon thread runs an asyncio loop; each server gets one session there, opened on first use and
kept: a stdio server is a process whose start-up (often seconds for a Python server) would
otherwise be paid on every call, and an HTTP server would repeat its handshake each time. A session
that breaks (the process died, the server dropped it) is reopened once on the next call; a READ call
is then retried once, a WRITE call never (it may have reached the server).

Every wait is bounded: opening by `connect_timeout_s`, a call by `call_timeout_s`.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import os
import sys
import threading
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TextIO, TypeVar

import httpx2
import mcp_types
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from tools.errors import ToolError
from tools.mcp_client.config import McpServerConfig

__all__ = ["McpServerError", "McpSessions", "ServerLink", "one_line"]

_T = TypeVar("_T")
_MAX_PAGES = 50  # of tools/list; a server whose cursor never ends cannot hang the loading
_GRACE_S = 5.0  # beyond the MCP timeouts, for the loop hop itself


class McpServerError(ToolError):
    """An external MCP server could not be reached, timed out or failed a call; one line."""


def one_line(exc: BaseException) -> str:
    """The innermost cause of `exc` (task groups wrap it) as one line: `Type: message`."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = exc.error.message if isinstance(exc, MCPError) else (str(exc) or type(exc).__name__)
    first = (text.strip().splitlines() or [""])[0][:300]
    return first if isinstance(exc, MCPError | McpServerError) else f"{type(exc).__name__}: {first}"


def _errlog() -> TextIO:
    # The SDK hands this to the child process as its stderr, so it needs a real file descriptor.
    stream = sys.__stderr__
    if stream is not None:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.fileno()
            return stream
    return open(os.devnull, "w", encoding="utf-8")  # lives as long as the child process


class _Loop:
    """An asyncio loop on a daemon thread; synchronous callers hand it coroutines and wait, bounded."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="andon-mcp-client", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, _T], timeout: float) -> _T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise McpServerError(f"no answer within {timeout:g} s") from None

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=_GRACE_S)


class ServerLink:
    """The session with one server: opened on first use, reopened once after it broke."""

    def __init__(self, config: McpServerConfig, loop: _Loop) -> None:
        self.config = config
        self._loop = loop
        self._client: Client | None = None
        self._closing: asyncio.Event | None = None
        self._holder: asyncio.Task[None] | None = None
        self._opening: asyncio.Lock | None = None

    # -- synchronous API (any thread but the loop's) --------------------------------------------
    def list_tools(self) -> list[mcp_types.Tool]:
        """Every tool the server lists (opens the session)."""
        budget = self.config.connect_timeout_s + self.config.call_timeout_s + _GRACE_S
        return self._loop.run(self._list_tools(), budget)

    def call_tool(self, name: str, arguments: dict[str, Any], *, retry: bool) -> mcp_types.CallToolResult:
        """Call `name` on the server; `retry` allows one more attempt after a broken session."""
        attempts = 2 if retry else 1
        budget = attempts * (self.config.connect_timeout_s + self.config.call_timeout_s) + _GRACE_S
        return self._loop.run(self._call(name, arguments, attempts), budget)

    def close(self) -> None:
        """End the session (a stdio server's process ends with it)."""
        if self._loop.loop.is_running():
            with contextlib.suppress(McpServerError):
                self._loop.run(self.drop(), _GRACE_S * 2)

    # -- on the loop ---------------------------------------------------------------------------
    @asynccontextmanager
    async def _connected(self) -> AsyncIterator[Client]:
        config = self.config
        if config.command is not None:
            params = StdioServerParameters(
                command=config.command,
                args=list(config.args),
                env=dict(config.env) or None,
                cwd=config.cwd,
            )
            async with Client(stdio_client(params, errlog=_errlog()), mode="auto", cache=None) as client:
                yield client
            return
        timeout = httpx2.Timeout(config.connect_timeout_s, read=config.call_timeout_s)
        async with (
            httpx2.AsyncClient(headers=dict(config.headers), timeout=timeout) as http,
            Client(streamable_http_client(str(config.url), http_client=http), mode="auto", cache=None) as client,
        ):
            yield client

    async def _hold(self, opened: asyncio.Future[Client], closing: asyncio.Event) -> None:
        # The session is entered and left in this one task, as anyio's cancel scopes require.
        try:
            async with self._connected() as client:
                await client.list_tools()  # so the session knows each tool's output schema
                opened.set_result(client)
                await closing.wait()
        except BaseException as exc:
            if not opened.done():
                opened.set_exception(exc if isinstance(exc, Exception) else McpServerError(one_line(exc)))
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            if self._holder is asyncio.current_task():
                self._client = None

    async def _open(self) -> Client:
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._client is not None:
                return self._client
            opened: asyncio.Future[Client] = self._loop.loop.create_future()
            self._closing = asyncio.Event()
            self._holder = asyncio.ensure_future(self._hold(opened, self._closing))
            try:
                self._client = await asyncio.wait_for(asyncio.shield(opened), self.config.connect_timeout_s)
            except TimeoutError:
                await self.drop()
                raise McpServerError(f"no answer within {self.config.connect_timeout_s:g} s") from None
            except Exception as exc:
                await self.drop()
                raise McpServerError(one_line(exc)) from None
            return self._client

    async def drop(self) -> None:
        """End the session (on the loop)."""
        holder, closing = self._holder, self._closing
        self._client, self._holder, self._closing = None, None, None
        if holder is None or closing is None:
            return
        closing.set()
        try:
            await asyncio.wait_for(holder, _GRACE_S)
        except (TimeoutError, Exception):
            holder.cancel()
            with contextlib.suppress(BaseException):
                await holder

    async def _list_tools(self) -> list[mcp_types.Tool]:
        client = await self._open()
        found: list[mcp_types.Tool] = []
        cursor: str | None = None
        try:
            for _ in range(_MAX_PAGES):
                page = await asyncio.wait_for(client.list_tools(cursor=cursor), self.config.call_timeout_s)
                found.extend(page.tools)
                cursor = page.next_cursor
                if cursor is None:
                    break
        except TimeoutError:
            raise McpServerError(f"tools/list: no answer within {self.config.call_timeout_s:g} s") from None
        except MCPError as exc:
            raise McpServerError(f"tools/list: {one_line(exc)}") from None
        return found

    async def _call(self, name: str, arguments: dict[str, Any], attempts: int) -> mcp_types.CallToolResult:
        timeout = self.config.call_timeout_s
        for attempt in range(1, attempts + 1):
            client = await self._open()
            try:
                return await asyncio.wait_for(client.call_tool(name, arguments, read_timeout_seconds=timeout), timeout)
            except TimeoutError:
                raise McpServerError(f"{name}: no answer within {timeout:g} s") from None
            except MCPError as exc:
                if exc.error.code != mcp_types.CONNECTION_CLOSED:
                    raise McpServerError(f"{name}: {one_line(exc)}") from None
                failure: BaseException = exc
            except Exception as exc:  # the transport broke under the call
                failure = exc
            await self.drop()
            if attempt == attempts:
                raise McpServerError(f"{name}: connection lost ({one_line(failure)})")
        raise AssertionError("unreachable")  # pragma: no cover


class McpSessions:
    """The sessions of one registry's external servers, on one background loop; closed at exit."""

    def __init__(self) -> None:
        self._loop: _Loop | None = None
        self._links: list[ServerLink] = []
        self._lock = threading.Lock()
        atexit.register(self.close)

    def link(self, config: McpServerConfig) -> ServerLink:
        """A (lazily opened) session with the server of `config`."""
        with self._lock:
            if self._loop is None:
                self._loop = _Loop()
            found = ServerLink(config, self._loop)
            self._links.append(found)
            return found

    def close(self) -> None:
        """End every session and stop the loop (idempotent)."""
        with self._lock:
            links, loop = self._links, self._loop
            self._links, self._loop = [], None
        if loop is not None:
            if links and loop.loop.is_running():
                # Together: each stdio server is given a moment to exit before it is terminated.
                with contextlib.suppress(McpServerError):
                    loop.run(_drop_all(links), _GRACE_S * 3)
            loop.stop()
        atexit.unregister(self.close)


async def _drop_all(links: list[ServerLink]) -> None:
    await asyncio.gather(*(link.drop() for link in links), return_exceptions=True)
