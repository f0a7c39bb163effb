"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for tests, plugin authors and benchmarks.

It speaks enough of the OpenAI API for the real `openai` client (and so `ChatOpenAI`) to talk to
it: `/v1/chat/completions` (streaming SSE with tool-call arguments split across chunks, and
non-streaming), `/v1/models` and `/v1/embeddings`. Replies come from a script: a list of turns
played in order, or a function of the request. Every request is recorded.

    with ScriptedServer([call_tool("line_oee", line="L2", period="yesterday"), reply("OEE was 71.3 %.")]) as srv:
        model = make_openai_chat_model(LLMConfig(base_url=srv.base_url, model="scripted"))
"""

from __future__ import annotations

import hashlib
import json
import math
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "ScriptedRequest",
    "ScriptedServer",
    "ScriptedToolCall",
    "ScriptedTurn",
    "broken_stream",
    "call_tool",
    "http_error",
    "reply",
    "slow",
]

_ARG_CHUNK = 7  # tool-call arguments arrive in pieces this long, as real servers split them


@dataclass(frozen=True)
class ScriptedToolCall:
    """A tool call; `raw_arguments`, when set, is sent verbatim instead of `args` as JSON (e.g. broken JSON)."""

    name: str
    args: dict[str, Any]
    id: str = ""
    raw_arguments: str | None = None

    @property
    def arguments(self) -> str:
        """The arguments text the server sends."""
        return self.raw_arguments if self.raw_arguments is not None else json.dumps(self.args, ensure_ascii=False)


@dataclass(frozen=True)
class ScriptedTurn:
    """One assistant reply: text, tool calls, or both; `finish_reason="length"` plays a reply cut off at max_tokens.

    Faults: `status` (not 200) answers with that HTTP error and `headers` (e.g. Retry-After); `delay_s` waits
    before answering (a time-out); `cut_after_chunks` streams that many chunks, then drops the connection.
    """

    text: str = ""
    tool_calls: tuple[ScriptedToolCall, ...] = ()
    finish_reason: str | None = None
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    cut_after_chunks: int | None = None

    @property
    def finish(self) -> str:
        return self.finish_reason or ("tool_calls" if self.tool_calls else "stop")


@dataclass(frozen=True)
class ScriptedRequest:
    """A recorded request: path and JSON body."""

    path: str
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.body.get("messages", [])
        return messages

    @property
    def tool_names(self) -> list[str]:
        """Names of the tools offered to the model in this request."""
        return [t["function"]["name"] for t in self.body.get("tools", []) if t.get("type") == "function"]

    def last(self, role: str) -> dict[str, Any] | None:
        return next((m for m in reversed(self.messages) if m.get("role") == role), None)


def reply(text: str) -> ScriptedTurn:
    """A turn that answers with text."""
    return ScriptedTurn(text=text)


def call_tool(name: str, /, **args: Any) -> ScriptedTurn:
    """A turn that calls one tool with these arguments."""
    return ScriptedTurn(tool_calls=(ScriptedToolCall(name=name, args=args),))


def http_error(status: int, *, retry_after: str | None = None) -> ScriptedTurn:
    """A turn that answers with an HTTP error (e.g. 503 with `Retry-After: 1`)."""
    return ScriptedTurn(status=status, headers=(("Retry-After", retry_after),) if retry_after is not None else ())


def slow(turn: ScriptedTurn, delay_s: float) -> ScriptedTurn:
    """`turn`, answered only after `delay_s` seconds."""
    return ScriptedTurn(**{**turn.__dict__, "delay_s": delay_s})


def broken_stream(turn: ScriptedTurn, after_chunks: int) -> ScriptedTurn:
    """`turn` streamed for `after_chunks` chunks, then the connection drops."""
    return ScriptedTurn(**{**turn.__dict__, "cut_after_chunks": after_chunks})


Script = Sequence[ScriptedTurn] | Callable[[ScriptedRequest], ScriptedTurn]


@dataclass
class _State:
    script: Script
    model: str
    latency_s: float
    requests: list[ScriptedRequest] = field(default_factory=list)
    position: int = 0
    server_time_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_turn(self, request: ScriptedRequest) -> ScriptedTurn | None:
        with self.lock:
            self.requests.append(request)
            if callable(self.script):
                return self.script(request)
            if self.position >= len(self.script):
                return None
            turn = self.script[self.position]
            self.position += 1
            return turn


def _tokens(text: str) -> int:
    # Deterministic stand-in for a tokenizer: about four characters per token.
    return max(1, math.ceil(len(text) / 4))


def _usage(request: ScriptedRequest, turn: ScriptedTurn) -> dict[str, int]:
    prompt = _tokens(json.dumps(request.messages, ensure_ascii=False))
    # Counted as before raw arguments existed (ASCII-escaped JSON), so recorded token figures stay the same.
    calls = "".join(
        c.name + (json.dumps(c.args) if c.raw_arguments is None else c.raw_arguments) for c in turn.tool_calls
    )
    completion = _tokens(turn.text + calls)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _call_ids(turn: ScriptedTurn, counter: int) -> list[str]:
    return [call.id or f"call_{counter}_{i}" for i, call in enumerate(turn.tool_calls)]


def _completion(request: ScriptedRequest, turn: ScriptedTurn, model: str, counter: int) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.text or None}
    if turn.tool_calls:
        message["tool_calls"] = [
            {"id": cid, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
            for cid, call in zip(_call_ids(turn, counter), turn.tool_calls, strict=True)
        ]
    return {
        "id": f"chatcmpl-{counter}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": turn.finish}],
        "usage": _usage(request, turn),
    }


def _stream_chunks(request: ScriptedRequest, turn: ScriptedTurn, model: str, counter: int) -> Iterator[dict[str, Any]]:
    base = {"id": f"chatcmpl-{counter}", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    words = turn.text.split(" ")
    for i, word in enumerate(words):
        if word or i:
            yield chunk({"content": word if i == 0 else " " + word})
    for index, (cid, call) in enumerate(zip(_call_ids(turn, counter), turn.tool_calls, strict=True)):
        yield chunk(
            {
                "tool_calls": [
                    {"index": index, "id": cid, "type": "function", "function": {"name": call.name, "arguments": ""}}
                ]
            }
        )
        arguments = call.arguments
        for start in range(0, len(arguments), _ARG_CHUNK):
            piece = arguments[start : start + _ARG_CHUNK]
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield chunk({}, turn.finish)
    if request.body.get("stream_options", {}).get("include_usage"):
        yield {**base, "choices": [], "usage": _usage(request, turn)}


def _embedding(text: str, dim: int = 16) -> list[float]:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    raw = [(digest[i % len(digest)] - 127.5) / 127.5 for i in range(dim)]
    norm = math.sqrt(sum(v * v for v in raw)) or 1.0
    return [v / norm for v in raw]


def _http_chunk(text: str) -> bytes:
    """`text` as one chunk of a chunked HTTP body."""
    data = text.encode("utf-8")
    return f"{len(data):x}\r\n".encode("ascii") + data + b"\r\n"


def _answer(handler: Any, state: _State, request: ScriptedRequest, turn: ScriptedTurn | None) -> None:
    """Send what `turn` scripts: an error, a stream, a completion, or 400 when the script ran out."""
    if turn is None:
        # 400, not 500: the client must not retry a script that has run out.
        error = {"message": "scripted server: no scripted turn left", "type": "invalid_request_error"}
        handler._send_json(400, {"error": error})
    elif turn.status != 200:
        error = {"message": f"scripted server: HTTP {turn.status}", "type": "server_error"}
        handler._send_json(turn.status, {"error": error}, headers=turn.headers)
    elif request.body.get("stream"):
        handler._stream(request, turn, len(state.requests))
    else:
        handler._send_json(200, _completion(request, turn, state.model, len(state.requests)))


def _handler_class(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # the server is quiet
            return

        def _send_json(self, status: int, payload: dict[str, Any], headers: Sequence[tuple[str, str]] = ()) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            for name, value in [*headers, ("Content-Type", "application/json")]:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send_json(
                    200, {"object": "list", "data": [{"id": state.model, "object": "model", "owned_by": "andon"}]}
                )
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:
            started = time.perf_counter()
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._send_json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
                return
            request = ScriptedRequest(path=self.path, body=body)
            if self.path.rstrip("/").endswith("/embeddings"):
                self._embeddings(request)
                return
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            turn = state.next_turn(request)
            time.sleep(state.latency_s + getattr(turn, "delay_s", 0.0))
            _answer(self, state, request, turn)
            with state.lock:
                state.server_time_s += time.perf_counter() - started

        def _embeddings(self, request: ScriptedRequest) -> None:
            state.requests.append(request)
            inputs = request.body.get("input", [])
            texts = [inputs] if isinstance(inputs, str) else list(inputs)
            data = [{"object": "embedding", "index": i, "embedding": _embedding(str(t))} for i, t in enumerate(texts)]
            usage = {"prompt_tokens": 0, "total_tokens": 0}
            self._send_json(200, {"object": "list", "data": data, "model": state.model, "usage": usage})

        def _stream(self, request: ScriptedRequest, turn: ScriptedTurn, counter: int) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            items = [
                f"data: {json.dumps(item, ensure_ascii=False)}\n\n"
                for item in _stream_chunks(request, turn, state.model, counter)
            ]
            sent = items[: turn.cut_after_chunks]
            self.wfile.write(b"".join(_http_chunk(text) for text in sent))
            if len(sent) < len(items):
                self._drop()
                return
            self._write_chunk("data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _drop(self) -> None:
            # Drop the connection mid-body: the client sees an incomplete chunked response.
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

        def _write_chunk(self, text: str) -> None:
            self.wfile.write(_http_chunk(text))

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections when dozens of clients connect at once.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients closing keep-alive connections at shutdown is normal, not an error to print.
        return


class ScriptedServer:
    """An OpenAI-compatible server on 127.0.0.1 that plays a script; use as a context manager."""

    def __init__(self, script: Script, *, model: str = "scripted", latency_s: float = 0.0, port: int = 0) -> None:
        self._state = _State(script=script, model=model, latency_s=latency_s)
        self._server = _QuietServer(("127.0.0.1", port), _handler_class(self._state))
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The `/v1` base URL to give an OpenAI client."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def model(self) -> str:
        return self._state.model

    @property
    def requests(self) -> list[ScriptedRequest]:
        """Requests received so far (chat completions and embeddings), oldest first."""
        return list(self._state.requests)

    @property
    def chat_requests(self) -> list[ScriptedRequest]:
        return [r for r in self._state.requests if r.path.rstrip("/").endswith("/chat/completions")]

    @property
    def server_time_s(self) -> float:
        """Time spent inside the server (including the scripted latency), summed over requests."""
        return self._state.server_time_s

    @property
    def remaining(self) -> int:
        """Turns not yet played (0 for a function script)."""
        script = self._state.script
        return 0 if callable(script) else len(script) - self._state.position

    def extend(self, turns: Sequence[ScriptedTurn]) -> None:
        """Append turns to a list script (e.g. for the next user turn of a conversation)."""
        if callable(self._state.script):
            raise TypeError("a function script cannot be extended")
        with self._state.lock:
            self._state.script = [*self._state.script, *turns]

    def start(self) -> ScriptedServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="scripted-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
