"""``hpccourse migrate`` run in the test's process, for the migrate tests."""

from __future__ import annotations

import contextlib
import io

from hpccourse.migrate import main


def run(*args: str) -> tuple[int, str, str]:
    """``hpccourse migrate ARGS``: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()
