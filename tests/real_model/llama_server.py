"""`python -m llama_cpp.server` with every completion capped at ANDON_TEST_LLAMA_MAX_TOKENS tokens.

llama-cpp-python's `chatml-function-calling` handler generates a text reply and a tool call's
arguments with `max_tokens=None`, whatever the request's `max_tokens` says, so a small model that
never writes its end token runs on to the end of the context (minutes per call on 2 cores). The
real server then runs unchanged, with that one bound added: the model, the chat format and the HTTP
API are llama-cpp-python's own.

    python tests/real_model/llama_server.py --model MODEL.gguf --chat_format chatml-function-calling ...
"""

from __future__ import annotations

import os
from typing import Any

import llama_cpp
from llama_cpp.server.__main__ import main

DEFAULT_CAP = 256


def cap_completions(cap: int) -> None:
    """Bound `Llama.create_completion`'s `max_tokens` by `cap` (None or <= 0 means "to the end of the context")."""
    unbounded = llama_cpp.Llama.create_completion

    def create_completion(self: llama_cpp.Llama, *args: Any, **kwargs: Any) -> Any:
        asked = kwargs.get("max_tokens", 16)
        kwargs["max_tokens"] = cap if asked is None or asked <= 0 else min(asked, cap)
        return unbounded(self, *args, **kwargs)

    llama_cpp.Llama.create_completion = create_completion  # type: ignore[method-assign]


if __name__ == "__main__":
    cap_completions(int(os.environ.get("ANDON_TEST_LLAMA_MAX_TOKENS", DEFAULT_CAP)))
    main()
