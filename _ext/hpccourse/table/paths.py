"""The rules for table values that become paths: module names, storage roots, user names.

lessonrun writes a module's ``NAME/VERSION.lua`` under its sandbox and makes the storage
root's folder there, as root; a step's file is written in the session's folder. So each
such value stays where it belongs: no ``.`` or ``..`` part, relative where a name inside
a folder is meant, absolute (or under ``~``) where a folder on the cluster is meant, and
a storage root under one of the course's ``project_roots`` when it declares them.

Each rule returns what is wrong, in a few words (``None``: nothing); :mod:`.load` puts
the table's line in front. No Sphinx.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: One part of a module name (``GCC``, ``12.3.0``, ``SciPy-bundle``): Lmod's characters.
_MODULE_PART = re.compile(r"[A-Za-z0-9_.+-]+\Z")
#: A user name as lessonrun's sandbox uses it ($USER, /home/NAME): one path part.
_USER = re.compile(r"[^\s/\\\x00-\x1f\x7f]+\Z")
#: Cluster facts whose names end so are folders on the cluster (storage_root, user_path,
#: scratch_root): checked like paths once their placeholders are filled in.
PATH_FACT_SUFFIXES = ("_root", "_path")


def _dot_part(parts: Sequence[str]) -> str | None:
    for part in parts:
        if part in (".", ".."):
            return f"has a {part!r} part"
    return None


def module_name(name: str) -> str | None:
    """A module name: ``NAME`` or ``NAME/VERSION[/...]``, a path relative to the module
    tree's folder (lessonrun writes ``NAME/VERSION.lua`` there)."""
    if not name:
        return "is empty"
    if name.startswith("/"):
        return "is an absolute path: a module is named NAME/VERSION"
    if name.startswith("-"):
        return "starts with '-' (module would read it as an option)"
    parts = name.split("/")
    if "" in parts:
        return "has an empty part ('//' or a '/' at the end)"
    dots = _dot_part(parts)
    if dots:
        return f"{dots}: a module is named NAME/VERSION, inside the module tree"
    for part in parts:
        if not _MODULE_PART.match(part):
            return (
                f"part {part!r} has a character a module name does not "
                "(letters, digits, '.', '_', '+', '-')"
            )
    return None


def file_name(name: str) -> str | None:
    """A file step's file name: one plain name in the session's folder."""
    if name in (".", ".."):
        return f"{name!r} is a folder, not a file name"
    return None


def user_name(name: str) -> str | None:
    """``example_user``: the test user lessonrun runs as (``$USER``, ``/home/NAME``)."""
    if name in (".", ".."):
        return f"{name!r} is no user name"
    if not _USER.match(name):
        return "must be one user name (no '/', spaces or control characters)"
    return None


def folder(value: str) -> str | None:
    """A folder on the cluster: absolute, or under the home folder (``~``, ``~/x``,
    ``$HOME/x`` as centres' own pages write it)."""
    if "\x00" in value or "\n" in value:
        return "holds a control character"
    if re.fullmatch(r"\$(?:HOME|\{HOME\})(?:/.*)?", value, re.DOTALL):
        return _dot_part(value.split("/"))
    if not value.startswith(("/", "~")):
        return (
            "must be an absolute folder (/proj/...) or one under the home folder "
            "(~/... or $HOME/...)"
        )
    if value.startswith("~") and not (value == "~" or value.startswith("~/")):
        return "names another user's home folder: write ~/... for the reader's own"
    return _dot_part(value.split("/"))


def path_fact(value: str) -> str | None:
    """Any other ``*_root`` or ``*_path`` fact: no ``.`` or ``..`` part (absolute,
    under ``~``, under a ``$VARIABLE`` or relative: the course's choice)."""
    if "\x00" in value or "\n" in value:
        return "holds a control character"
    return _dot_part(value.split("/"))


def under_roots(value: str, roots: Sequence[str]) -> str | None:
    """An absolute storage root must lie below one of ``roots`` (the course's
    ``project_roots``); one under ``~`` is the reader's own and is not compared."""
    if not roots or not value.startswith("/"):
        return None
    parts = [p for p in value.split("/") if p]
    for root in roots:
        root_parts = [p for p in root.split("/") if p]
        if len(parts) > len(root_parts) and parts[: len(root_parts)] == root_parts:
            return None
    return f"is under none of the course's project_roots ({', '.join(roots)})"


def project_root(value: str) -> str | None:
    """One of ``[course] project_roots``: an absolute folder with no ``.``/``..`` part."""
    return _dot_part(value.split("/"))
