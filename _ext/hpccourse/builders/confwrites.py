"""The files a course's own code writes into its docs folder while ``hpccourse check``
runs, put back as they were.

The check writes only into its output folder, but it runs ``conf.py``, and some courses'
``conf.py`` generates pages into the docs folder (nbgrader's writes its command-line
pages there, named from values a stand-in gave here; tespy's rewrote two overview pages
as stubs, from a stand-in package). The check cannot stop code it runs. Before the build
it keeps a copy of the docs folder in its output folder; after it, each file the course's
code changed or removed is put back and each it made is removed, and one note says
which. Changes are found by the folder's listing and modification times before and
after. A folder too large to keep (``MOST_FILES``, ``MOST_BYTES``) is only listed: the
note then says what was written and that it was not put back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
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


#: How many bytes of a docs folder are kept aside at most (images and data included).
MOST_BYTES = 512 * 2**20
#: The folder, in the output folder, holding the docs folder as the check found it.
KEPT = ".docs-as-found"


@dataclass(frozen=True)
class Kept:
    """A docs folder as the check found it: its listing, its copy (None: too large) and
    its folders."""

    folder: Path
    before: dict[str, int] | None
    copy: Path | None
    folders: frozenset[str] = frozenset()


def _folders(folder: Path, outdir: Path) -> frozenset[str]:
    """The folders under ``folder`` (as ``listing`` walks it), relative."""
    found = set()
    skip = os.path.realpath(outdir)
    for root, dirs, _files in os.walk(folder):
        dirs[:] = [
            d for d in dirs if d not in _SKIPPED and os.path.realpath(os.path.join(root, d)) != skip
        ]
        found.update(os.path.relpath(os.path.join(root, d), folder) for d in dirs)
        if len(found) > MOST_FILES:
            break
    return frozenset(found)


def keep(folder: Path, outdir: Path) -> Kept:
    """List ``folder`` and copy its files into ``outdir`` (symbolic links as links)."""
    before = listing(folder, outdir)
    copy = outdir / KEPT
    shutil.rmtree(copy, ignore_errors=True)
    folders = _folders(folder, outdir)
    if before is None:
        return Kept(folder, before, None, folders)
    sizes = 0
    for relative in before:
        try:
            sizes += os.lstat(folder / relative).st_size
        except OSError:
            continue
    if sizes > MOST_BYTES:
        return Kept(folder, before, None, folders)
    for relative in before:
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(folder / relative, target, follow_symlinks=False)
        except OSError:
            continue
    return Kept(folder, before, copy, folders)


def put_back(kept: Kept, outdir: Path) -> tuple[list[str], bool]:
    """The files the course's code changed, made or removed in the docs folder, sorted,
    and whether each was put back as found (a file it made removed)."""
    after = listing(kept.folder, outdir)
    if kept.before is None or after is None:
        return [], False
    touched = sorted({*written(kept.before, after), *(set(kept.before) - set(after))})
    if kept.copy is None:
        return touched, False
    root = os.path.realpath(kept.folder)
    done = all(_put_back(kept, relative, root) for relative in touched)
    _remove_new_folders(kept, outdir)
    shutil.rmtree(kept.copy, ignore_errors=True)
    return touched, done


def _remove_new_folders(kept: Kept, outdir: Path) -> None:
    """The folders the course's code made that are empty now (their files removed),
    deepest first; a link is never followed."""
    for relative in sorted(_folders(kept.folder, outdir) - kept.folders, reverse=True):
        path = kept.folder / relative
        if path.is_symlink():
            continue
        with contextlib.suppress(OSError):
            path.rmdir()  # only an empty folder goes


def _put_back(kept: Kept, relative: str, root: str) -> bool:
    """One file as found (removed when it was not there): never through a link the
    course's code may have put on the way (a folder made a link elsewhere)."""
    assert kept.copy is not None
    target = kept.folder / relative
    if os.path.commonpath([root, os.path.realpath(target.parent)]) != root:
        return False
    try:
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.exists():
            return False  # a folder where a file was: left as it is
        if relative in (kept.before or {}):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(kept.copy / relative, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def note(paths: list[str], put_back: bool = False) -> list[str]:
    """One line saying what the course's code wrote, and whether it was put back; or none."""
    if not paths:
        return []
    shown = ", ".join(paths[:NAMED]) + (", ..." if len(paths) > NAMED else "")
    after = (
        "each was put back as it was (a file it made removed)"
        if put_back
        else "they were not put back"
    )
    return [
        f"the course's own code (conf.py, its extensions) wrote {len(paths)} files into "
        f"the docs folder during the check: {shown}; {after}"
    ]
