"""The ``hpccourse`` command: ``hpccourse migrate PAGE`` and ``hpccourse live ARGS``.

Installed as a console script with the package, and runnable as ``python -m hpccourse``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

USAGE = """usage: hpccourse COMMAND ...

commands:
  migrate PAGE [--table FILE] [--write]
                 turn a page's hand-written per-cluster tabs into cluster-commands
  live ARGS      the live preview (sphinx-autobuild's arguments), as `make livehtml` runs it
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a command's own ``main``; imports only what that command needs."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "migrate":
        from .migrate import main as migrate

        return migrate(rest)
    if command == "live":
        from .live import main as live

        return live(rest)
    print(f"hpccourse: unknown command {command!r}\n\n{USAGE}", end="", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
