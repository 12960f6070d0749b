"""``python -m hpccourse ARGS`` in a fresh process, as a user runs it: for the tests of
the ``hpccourse`` command (``check``), which must see what a user's shell sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXT = Path(__file__).resolve().parents[1] / "_ext"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command with ``args`` in ``cwd``, only the extension on the Python path."""
    return subprocess.run(
        [sys.executable, "-m", "hpccourse", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(EXT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
