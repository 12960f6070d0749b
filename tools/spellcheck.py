"""Spelling gate: run Sphinx's `spelling` builder over the whole site.

The builder (sphinxcontrib-spelling) needs PyEnchant, its C library and an
English dictionary. Where they cannot be loaded this gate prints how to install
them and is skipped, except under CI=true, where a skipped gate would hide
misspellings: there it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LANG = "en_US"
INSTALL_HINT = (
    "Install a dictionary for the spelling gate:\n"
    "  Debian/Ubuntu: sudo apt-get install -y libenchant-2-2 hunspell-en-us\n"
    "  Fedora:        sudo dnf install -y enchant2 hunspell-en-US\n"
    "  macOS:         brew install enchant   (then a hunspell en_US dictionary)\n"
    "and the Python packages with `make venv` (requirements.txt)."
)


def dictionary_problem(lang: str = LANG) -> str | None:
    """Why no `lang` dictionary can be loaded, or None when one can."""
    try:
        import enchant
    except (ImportError, OSError, AssertionError) as exc:  # PyEnchant or its C library
        return f"PyEnchant cannot be loaded ({exc})"
    if not enchant.dict_exists(lang):
        return f"Enchant has no {lang} dictionary (it has: {enchant.list_languages()})"
    return None


def in_ci() -> bool:
    """True where a skipped gate must fail instead (CI sets CI=true)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def main(argv: list[str]) -> int:
    """Check the dictionary, then run sphinx-build -b spelling with `argv`."""
    problem = dictionary_problem()
    if problem:
        print(f"spelling: {problem}.\n{INSTALL_HINT}", file=sys.stderr)
        if in_ci():
            print("spelling: FAILED (CI=true: the gate may not be skipped)", file=sys.stderr)
            return 1
        print("spelling: SKIPPED (no dictionary)", file=sys.stderr)
        return 0
    sphinx_build = Path(sys.executable).with_name("sphinx-build")
    return subprocess.call([str(sphinx_build), "-b", "spelling", *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
