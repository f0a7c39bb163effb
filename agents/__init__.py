"""Domain agents, router, models (offline small model and OpenAI-compatible), runtime and grounding."""

__all__: list[str] = []
