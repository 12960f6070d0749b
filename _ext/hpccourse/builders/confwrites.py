"""The files a course's own code wrote into its docs folder while ``hpccourse check`` ran.

The check writes only into its output folder, but it runs ``conf.py``, and some courses'
``conf.py`` generates pages into the docs folder (nbgrader's writes its command-line
pages there, named from values a stand-in gave here). The check cannot stop code it
runs; it says what that code wrote, so the teacher knows what to remove. Found by the
folder's listing and modification times before and after, nothing else read.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Folders not looked into: version control, builds, caches, environments.
_SKIPPED = frozenset({".git", ".hg", ".svn", "_build", "__pycache__", ".venv", "node_modules"})
#: How many files are looked at, at most: a docs folder is small; a larger tree is
#: something else (the check then says nothing rather than walk it).
MOST_FILES = 20_000
#: How many written files a note names one by one.
NAMED = 3


def listing(folder: Path, outdir: Path) -> dict[str, int] | None:
    """Each file under ``folder`` (``outdir`` left out) and its modification time in
    nanoseconds; None when the folder holds more than ``MOST_FILES`` files."""
    found: dict[str, int] = {}
    skip = os.path.realpath(outdir)
    for root, dirs, files in os.walk(folder):
        dirs[:] = [
            d for d in dirs if d not in _SKIPPED and os.path.realpath(os.path.join(root, d)) != skip
        ]
        for name in files:
            path = os.path.join(root, name)
            try:
                found[os.path.relpath(path, folder)] = os.lstat(path).st_mtime_ns
            except OSError:
                continue
            if len(found) > MOST_FILES:
                return None
    return found


def written(before: dict[str, int] | None, after: dict[str, int] | None) -> list[str]:
    """The files new or changed between two listings, sorted."""
    if before is None or after is None:
        return []
    return sorted(path for path, stamp in after.items() if before.get(path) != stamp)


def note(paths: list[str]) -> list[str]:
    """One line saying what the course's code wrote, or none."""
    if not paths:
        return []
    shown = ", ".join(paths[:NAMED]) + (", ..." if len(paths) > NAMED else "")
    return [
        f"the course's own code (conf.py, its extensions) wrote {len(paths)} files into "
        f"the docs folder during the check: {shown}"
    ]
