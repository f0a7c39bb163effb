"""Generators of the built-in suites from templates (run `python -m evals.suite_generation`)."""
