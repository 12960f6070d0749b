""" "Did you mean ...?": the known name closest to a misspelled one (no Sphinx)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name ``word`` most likely misspells, or None when none is close."""
    names = list(known)
    found = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not found:  # a different case only ("UPPMAX" for "uppmax")
        found = [name for name in names if name.casefold() == word.casefold()]
    return found[0] if found else None


def hint(word: str, known: Iterable[str], what: str) -> str:
    """``did you mean `make-venv`?``, else the known names: ``steps: a, b``."""
    names = list(known)
    match = closest(word, names)
    if match is not None:
        return f"did you mean `{match}`?"
    return f"{what}: {', '.join(names) or 'none'}"
