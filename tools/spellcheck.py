"""Spelling gate: run Sphinx's `spelling` builder over the whole site.

The builder (sphinxcontrib-spelling) needs PyEnchant's C library, Enchant, with
an en_US dictionary: a system tool, under the policy of tools/systools.py (missing,
the gate is skipped with one line saying how to install it; under CI=true it fails).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import systools

CHECK = "spelling"


def main(argv: list[str]) -> int:
    """Check for Enchant, then run sphinx-build -b spelling with `argv`."""
    status = systools.gate(CHECK, "enchant")
    if status is not None:
        return status
    sphinx_build = Path(sys.executable).with_name("sphinx-build")
    return subprocess.call([str(sphinx_build), "-b", "spelling", *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
