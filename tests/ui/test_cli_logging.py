"""What the CLI's libraries log reaches the terminal as one line: a logged exception without its traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_a_logged_exception_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    code = (
        "import logging, sys\n"
        "from ui.cli import _one_line_logging\n"
        "_one_line_logging()\n"
        "try:\n"
        "    raise ValueError('bad row\\nsecond line')\n"
        "except ValueError:\n"
        "    logging.getLogger('tools.invoke').exception('tool %s failed with arguments %r', 'oee', {'target': 'L2'})\n"
        "logging.getLogger('agents').warning('LLM call failed (attempt 1): busy; retrying in 1.0 s')\n"
        "logging.getLogger('x').info('not shown')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "error: tool oee failed with arguments {'target': 'L2'} (ValueError: bad row)",
        "warning: LLM call failed (attempt 1): busy; retrying in 1.0 s",
    ]
