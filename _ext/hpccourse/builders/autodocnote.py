"""The objects autodoc could not import during ``hpccourse check``, said in one note.

A course's API pages document its own package, which the check's environment usually
lacks (a project installs itself with ``pip install -e .`` before building its docs).
Sphinx then warns once per object, in ``sphinx.log`` only, and the docstrings' blocks go
unchecked while the summary counts the pages as read: the note says how many objects,
of which modules, and what would check them.
"""

from __future__ import annotations

import re

#: Sphinx's warning: "autodoc: failed to import 'X' from module 'M'", "... module 'M'",
#: "... class 'M.C'" (its wording across versions).
_FAILED = re.compile(
    r"autodoc: failed to import (?:[a-z]+ )?'(?P<name>[^']+)'(?: from module '(?P<module>[^']+)')?"
)
#: How many modules the note names one by one.
NAMED = 3


def not_imported(log: str) -> list[str]:
    """One line for the objects the build's ``log`` says autodoc failed to import."""
    objects: set[str] = set()
    modules: set[str] = set()
    for match in _FAILED.finditer(log):
        module = match["module"] or match["name"]
        objects.add(f"{module}.{match['name']}" if match["module"] else match["name"])
        modules.add(module.split(".")[0])
    if not objects:
        return []
    names = sorted(modules)
    shown = ", ".join(names[:NAMED]) + (", ..." if len(names) > NAMED else "")
    return [
        f"autodoc could not import {len(objects)} object{'s' if len(objects) > 1 else ''} "
        f"(of {shown}): their docstrings' blocks were not checked; install the project "
        "in this environment (pip install -e .) to check them"
    ]
