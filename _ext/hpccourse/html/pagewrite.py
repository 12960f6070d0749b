"""Each HTML page written whole: to a temporary file beside it, then renamed over it.

Sphinx writes a page straight into its file; a build killed in the middle (or a reader,
the live preview among them, that reads while it writes) sees half a page. Here the
builder's ``handle_page`` writes to ``.NAME.PID.partial`` in the same folder and the
file is renamed into place (atomic on one file system): the page is either the old one
or the new one, whole. A build killed before the rename leaves the ``.partial`` file;
the next build removes such files from the output (it is published). The journal of
:mod:`.freshness` then writes the page again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

#: The suffix of a page being written; what a killed build leaves behind.
PARTIAL = ".partial"


def partial_path(final: Path) -> Path:
    """Where ``final`` is written first: a hidden file in the same folder."""
    return final.with_name(f".{final.name}.{os.getpid()}{PARTIAL}")


def wrap_handle_page(app: Sphinx) -> None:
    """``builder-inited``: an HTML builder writes its pages through a temporary file."""
    builder = app.builder
    original = getattr(builder, "handle_page", None)
    output_path = getattr(builder, "get_output_path", None)
    if builder.format != "html" or original is None or output_path is None:
        return

    def handle_page(
        pagename: str,
        addctx: dict[str, Any],
        templatename: str = "page.html",
        *,
        outfilename: Path | None = None,
        event_arg: Any = None,
    ) -> None:
        final = Path(outfilename) if outfilename else Path(output_path(pagename))
        partial = partial_path(final)
        original(pagename, addctx, templatename, outfilename=partial, event_arg=event_arg)
        if partial.exists():  # absent when the template failed: nothing was written
            os.replace(partial, final)

    builder.handle_page = handle_page  # type: ignore[method-assign]
    remove_partials(Path(app.outdir))


def remove_partials(outdir: Path) -> list[Path]:
    """Remove the ``.NAME.PID.partial`` files a killed build left in ``outdir``."""
    found = [p for p in outdir.rglob(f".*{PARTIAL}") if p.is_file() and not p.is_symlink()]
    for path in found:
        path.unlink(missing_ok=True)
    return found


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", wrap_handle_page)
