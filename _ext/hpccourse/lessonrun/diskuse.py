"""The disk a sandbox's writable folders use, for the per-session cap (``Limits.disk``).

The builder measures those folders while a session runs, and stops the session once they
pass the cap. coreutils' ``du`` does the walk: it never follows a symlink (``-P``), stays
on one file system (``-x``), counts a hard-linked file once, and walks folders nested
thousands deep (Python's recursive walks stop at a few hundred levels).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path


def disk_use(folders: Iterable[Path]) -> int:
    """Bytes allocated to the files and folders under ``folders`` (what ``du`` reads,
    where it can read)."""
    paths = [str(folder) for folder in folders if folder.is_dir()]
    if not paths:
        return 0
    try:
        done = subprocess.run(
            ["du", "-s", "-c", "-P", "-x", "-B1", "--", *paths],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return 0
    last = done.stdout.strip().splitlines()[-1:] or ["0"]
    total = last[0].split("\t", 1)[0]
    return int(total) if total.isdigit() else 0


def over(folders: Iterable[Path], cap: int) -> bool:
    """Whether ``folders`` use more than ``cap`` bytes."""
    return disk_use(folders) > cap
