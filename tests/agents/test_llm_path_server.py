"""The scripted OpenAI-compatible server talks to the real openai client through ChatOpenAI."""

from __future__ import annotations

import json
import urllib.request

import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.tools import tool

from agents.models.openai_compatible import LLMConfig, make_openai_chat_model
from agents.testing import ScriptedRequest, ScriptedServer, ScriptedTurn, call_tool, reply


@tool
def line_oee(line: str, period: str) -> str:
    """OEE of a line over a period."""
    return "unused"


def test_streaming_tool_call_arrives_whole_although_split_across_chunks() -> None:
    with ScriptedServer([call_tool("line_oee", line="2号线", period="yesterday")]) as server:
        model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted")).bind_tools([line_oee])
        chunks = list(model.stream("2号线昨天的OEE是多少?"))
    argument_pieces = [c for c in chunks if isinstance(c, AIMessageChunk) and c.tool_call_chunks]
    assert len(argument_pieces) > 3  # the JSON arguments came in several pieces
    merged = chunks[0]
    for piece in chunks[1:]:
        merged = merged + piece
    assert isinstance(merged, AIMessageChunk)
    assert [(c["name"], c["args"]) for c in merged.tool_calls] == [
        ("line_oee", {"line": "2号线", "period": "yesterday"})
    ]
    assert server.chat_requests[0].tool_names == ["line_oee"]
    assert server.chat_requests[0].body["stream_options"] == {"include_usage": True}


def test_usage_is_reported_in_the_final_chunk_and_recorded_by_the_model() -> None:
    with ScriptedServer([reply("OEE was 71.3 % yesterday.")]) as server:
        model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted"))
        message = model.invoke("hi")
    assert message.content == "OEE was 71.3 % yesterday."
    # 25 characters of answer -> ceil(25 / 4) = 7 tokens by the server's rule.
    assert message.usage_metadata is not None
    assert message.usage_metadata["output_tokens"] == 7


def test_function_script_sees_the_request_and_every_request_is_recorded() -> None:
    def echo(request: ScriptedRequest) -> ScriptedTurn:
        last = request.last("user")
        return reply(f"you said: {last['content'] if last else ''}")

    with ScriptedServer(echo) as server:
        model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted"))
        assert model.invoke("上周的报废率").content == "you said: 上周的报废率"
        assert len(server.requests) == 1


def test_models_endpoint_lists_the_scripted_model_and_non_streaming_calls_work() -> None:
    with ScriptedServer([reply("plain")], model="qwen-test") as server:
        with urllib.request.urlopen(server.base_url + "/models", timeout=5) as response:
            listed = json.load(response)
        body = json.dumps({"model": "qwen-test", "messages": [{"role": "user", "content": "x"}]}).encode()
        request = urllib.request.Request(
            server.base_url + "/chat/completions", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            completion = json.load(response)
    assert [m["id"] for m in listed["data"]] == ["qwen-test"]
    assert completion["choices"][0]["message"]["content"] == "plain"
    assert completion["choices"][0]["finish_reason"] == "stop"


def test_an_exhausted_script_is_a_client_error_not_a_retry_loop() -> None:
    import openai

    with ScriptedServer([]) as server:
        model = make_openai_chat_model(LLMConfig(base_url=server.base_url, model="scripted", max_retries=2))
        with pytest.raises(openai.BadRequestError, match="no scripted turn left"):
            model.invoke("hi")
        assert len(server.requests) == 1
