"""The disk a sandbox's writable folders use, for the per-session cap (``Limits.disk``).

The builder sums the allocated blocks of everything in those folders while a session
runs, and stops the session once they pass the cap. The walk opens each folder under its
parent's descriptor (``os.fwalk``) and never follows a symlink, so a session swapping a
folder for a link sends it nowhere outside; what cannot be read counts as nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path


def disk_use(folders: Iterable[Path]) -> int:
    """Bytes allocated to the files and folders under ``folders``."""
    total = 0
    for folder in folders:
        with contextlib.suppress(OSError):
            total += os.stat(folder, follow_symlinks=False).st_blocks * 512
            walk = os.fwalk(folder, follow_symlinks=False, onerror=lambda _e: None)
            for _root, dirs, files, root_fd in walk:
                for name in (*dirs, *files):
                    with contextlib.suppress(OSError):
                        info = os.stat(name, dir_fd=root_fd, follow_symlinks=False)
                        total += info.st_blocks * 512
    return total


def over(folders: Iterable[Path], cap: int) -> bool:
    """Whether ``folders`` use more than ``cap`` bytes."""
    return disk_use(folders) > cap
