"""``hpccourse live``: sphinx-autobuild with a warm builder, for a one-page edit in under 1 s.

sphinx-autobuild starts a new Python for every rebuild: importing Sphinx, the theme and
the extensions, compiling their regular expressions and templates takes longer than
reading and writing the edited page. Here the server process builds the site once itself
(``sphinx.cmd.build.build_main``, which restores docutils' registries after each build),
so everything is imported and warm; each later rebuild runs in a forked copy of it, so no
build leaves state behind. The arguments are sphinx-autobuild's, and so is the serving
(file watching, the page reload through a websocket).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import sphinx_autobuild.__main__ as autobuild
import watchfiles
from sphinx.cmd.build import build_main
from sphinx_autobuild.build import Builder
from sphinx_autobuild.server import RebuildServer
from sphinx_autobuild.utils import show_message

#: How long the watcher waits for more changes after one (watchfiles' default: 50 ms).
SETTLE_MS = 30
_FORK = multiprocessing.get_context("fork")


class WarmBuilder(Builder):
    """sphinx-autobuild's builder, running ``sphinx-build`` in this process."""

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        if changed_paths:
            names = ", ".join(str(path) for path in changed_paths[:5])
            show_message(f"Detected changes ({names})")
        if self._run_commands(self.pre_build_commands, "pre-build") != 0:
            return
        started = time.perf_counter()
        status = build_main(list(self.sphinx_args))
        took = time.perf_counter() - started
        show_message(f"Built in {took:.2f} s (exit status {status})")
        if status == 0:
            self._run_commands(self.post_build_commands, "post-build")
        show_message(f"Serving on {self.uri}")


class ForkingRebuildServer(RebuildServer):
    """Rebuilds in a fork of the warm server process, watching with a short settle time."""

    async def watch(self) -> None:
        async for changes in watchfiles.awatch(
            *self.paths,
            watch_filter=lambda _, path: not self.ignore(path),
            step=SETTLE_MS,
        ):
            changed_paths = [Path(path).resolve() for (_, path) in changes]
            with ProcessPoolExecutor(max_workers=1, mp_context=_FORK) as pool:
                future = pool.submit(self.change_callback, changed_paths=changed_paths)
                await asyncio.wrap_future(future)
            self.flag.set()


def main(argv: Sequence[str]) -> int:
    """Run the live preview; the arguments are those of ``sphinx-autobuild``."""
    original_builder, original_server = autobuild.Builder, autobuild.RebuildServer
    autobuild.Builder, autobuild.RebuildServer = WarmBuilder, ForkingRebuildServer  # type: ignore[misc]
    try:
        autobuild.main(list(argv))
    finally:
        autobuild.Builder, autobuild.RebuildServer = original_builder, original_server  # type: ignore[misc]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
