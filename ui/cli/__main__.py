"""`python -m ui.cli` runs the `andon` command."""

from ui.cli import main

main()
