"""Composition root: configuration, the `andon` CLI and the Gradio operator console."""

__all__: list[str] = []
