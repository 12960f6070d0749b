"""Run one quality gate and say in one line how it went (``make test``'s quiet output).

    python tools/gate.py NAME [--log DIR] -- COMMAND [ARG...]

The command's own output (Sphinx's progress, ruff's summary) goes to ``DIR/NAME.log``
(default ``_build/gates``). On success one line is printed: ``NAME: ok in 12.3 s``, with
the command's last line when it printed one (``htmlcheck: ... 0 problem(s)``). On
failure the whole log is printed first, so every located problem shows, then
``NAME: FAILED (exit N) ...``; the exit status is the command's. Standard library only:
``make test`` runs it before pytest.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

#: Colour and cursor codes (Sphinx's progress lines) that a log file should not keep.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def last_line(text: str) -> str:
    """The output's last non-empty line, without colour codes."""
    lines = [line.strip() for line in _ANSI.sub("", text).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run(name: str, command: list[str], logs: Path) -> int:
    """Run ``command``, log its output, print the gate's line; its exit status."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    start = time.monotonic()
    try:
        done = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False
        )
    except OSError as exc:
        print(f"{name}: FAILED: cannot run {command[0]}: {exc.strerror}", flush=True)
        return 127
    seconds = time.monotonic() - start
    output = done.stdout.decode("utf-8", errors="replace")
    log.write_text(_ANSI.sub("", output), encoding="utf-8")
    said = last_line(output)
    if done.returncode == 0:
        print(f"{name}: ok in {seconds:.1f} s" + (f": {said}" if said else ""), flush=True)
        return 0
    sys.stdout.write(output if output.endswith("\n") or not output else output + "\n")
    print(f"{name}: FAILED (exit {done.returncode}) in {seconds:.1f} s; log: {log}", flush=True)
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        print("usage: gate.py NAME [--log DIR] -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="gate.py", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the gate's name, as its make target")
    parser.add_argument("--log", type=Path, default=Path("_build", "gates"), help="log folder")
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not command:
        parser.error("no command after --")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    return run(args.name, command, args.log)


if __name__ == "__main__":
    sys.exit(main())
