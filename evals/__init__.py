"""Graded evaluation harness: suites, runner, graders, metrics, levels and reports."""

__all__: list[str] = []
