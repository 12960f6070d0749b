"""``hpccourse live``: sphinx-autobuild with a warm builder, for a one-page edit in under 1 s.

sphinx-autobuild starts a new Python for every rebuild: importing Sphinx, the theme and
the extensions, compiling their regular expressions and templates takes longer than
reading and writing the edited page. Here the server process builds the site once itself
(``sphinx.cmd.build.build_main``, which restores docutils' registries after each build),
so everything is imported and warm; each later rebuild runs in a forked copy of it, so no
build leaves state behind. The arguments are sphinx-autobuild's, and so is the serving
(file watching, the page reload through a websocket).

Two things differ from sphinx-autobuild's own serving:

- the reload script it appends to every page runs under the pages' Content-Security-
  Policy: each build gets its hash as ``hpccourse_live_reload_hash`` (the script names
  this run's address, so the hash is this run's; a published build has none);
- the server answers only requests addressed to it (``Host`` its own address or
  ``localhost``): a page elsewhere whose name is made to resolve to 127.0.0.1 (DNS
  rebinding) gets 400, not the pages and the local paths their banner shows;
- ``--pre-build-when REGEX`` runs the pre-build commands only for the first build and
  for a change whose path matches (``make livehtml``: the diagram renderer, a Python
  start of 0.25-0.7 s, only for a saved ``.mmd``).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import re
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import sphinx_autobuild.__main__ as autobuild
import watchfiles
from sphinx.cmd.build import build_main
from sphinx_autobuild.build import Builder
from sphinx_autobuild.middleware import web_socket_script
from sphinx_autobuild.server import RebuildServer
from sphinx_autobuild.utils import show_message
from starlette.applications import Starlette
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .html.csp import inline_scripts, sha256_source

#: How long the watcher waits for more changes after one (watchfiles' default: 50 ms).
SETTLE_MS = 30
_FORK = multiprocessing.get_context("fork")


def reload_script_hash(url_host: str) -> str:
    """The policy source of the reload script served from ``url_host`` (``host:port``),
    from sphinx-autobuild's own function."""
    (body,) = inline_scripts(web_socket_script(url_host))
    return sha256_source(body)


def own_hosts(url_host: str) -> list[str]:
    """The ``Host`` names the preview answers: its own address, and ``localhost``."""
    host = url_host.rpartition(":")[0].strip("[]")
    return sorted({host, "localhost"})


class WarmBuilder(Builder):
    """sphinx-autobuild's builder, running ``sphinx-build`` in this process, each build
    told the hash of the reload script. With ``--pre-build-when REGEX`` the pre-build
    commands run for the first build and then only when a changed path matches (a
    diagram renderer need not start for a saved lesson)."""

    pre_build_when: re.Pattern[str] | None = None

    def __init__(self, sphinx_args: Sequence[str], *, url_host: str, **kwargs: object) -> None:
        allow = f"hpccourse_live_reload_hash={reload_script_hash(url_host)}"
        super().__init__(["-D", allow, *sphinx_args], url_host=url_host, **kwargs)  # type: ignore[arg-type]

    def wants_pre_build(self, changed_paths: Sequence[Path]) -> bool:
        wanted = self.pre_build_when
        if not changed_paths or wanted is None:
            return True
        return any(wanted.search(str(path)) for path in changed_paths)

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        if changed_paths:
            names = ", ".join(str(path) for path in changed_paths[:5])
            show_message(f"Detected changes ({names})")
        if self.wants_pre_build(changed_paths) and (
            self._run_commands(self.pre_build_commands, "pre-build") != 0
        ):
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


_create_app = autobuild._create_app


def create_app(
    watch_dirs: object, ignore: object, builder: object, out_dir: object, url_host: str
) -> Starlette:
    """sphinx-autobuild's application, answering only requests addressed to it."""
    app = _create_app(watch_dirs, ignore, builder, out_dir, url_host)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=own_hosts(url_host))
    return app


def own_arguments(argv: Sequence[str]) -> tuple[re.Pattern[str] | None, list[str]]:
    """``--pre-build-when REGEX`` and the rest, sphinx-autobuild's arguments (no
    abbreviations: ``--pre-build`` is sphinx-autobuild's own)."""
    ours = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    ours.add_argument("--pre-build-when", type=re.compile, default=None)
    known, rest = ours.parse_known_args(list(argv))
    return known.pre_build_when, rest


def main(argv: Sequence[str]) -> int:
    """Run the live preview; the arguments are those of ``sphinx-autobuild``, and
    ``--pre-build-when REGEX`` (see :class:`WarmBuilder`)."""
    WarmBuilder.pre_build_when, argv = own_arguments(argv)
    original = autobuild.Builder, autobuild.RebuildServer, autobuild._create_app
    autobuild.Builder, autobuild.RebuildServer = WarmBuilder, ForkingRebuildServer  # type: ignore[misc]
    autobuild._create_app = create_app
    try:
        autobuild.main(list(argv))
    finally:
        autobuild.Builder, autobuild.RebuildServer, autobuild._create_app = original  # type: ignore[misc]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
