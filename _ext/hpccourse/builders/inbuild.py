"""consolecheck inside the html build: ``-D hpccourse_consolecheck=1``.

``make check`` used to run ``make html`` and then ``make consolecheck`` over the same
doctrees: a second ``sphinx-build`` that starts Python, sets up every extension and loads
the environment again, for a check that itself costs little. With
``hpccourse_consolecheck`` on, any build but ``consolecheck`` itself runs the same check
(:class:`~.consolecheck.SiteConsoleCheck`) right after reading, and writes the same
``output.txt`` and ``report.json`` into ``consolecheck/`` beside its own output folder
(``_build/html`` -> ``_build/consolecheck``), with the same located warnings; a failed block
gives exit status 1, as ``-b consolecheck`` does.

The results of each page are kept in the environment (:mod:`.resultcache`), pickled with
it: the next build checks only the pages it read again.
"""

from __future__ import annotations

import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.locale import __
from sphinx.util import logging

from .consolecheck import ConsoleCheckBuilder, SiteConsoleCheck

logger = logging.getLogger(__name__)

#: The config value that turns the check on (a bool; ``-D hpccourse_consolecheck=1``).
CONFIG = "hpccourse_consolecheck"


def report_dir(outdir: str | Path) -> Path:
    """Where the report goes: ``consolecheck/`` beside the build's own output folder."""
    return Path(outdir).parent / "consolecheck"


def check_after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: check every page (those read again; the others' results are
    kept), write the report, then warn; exit status 1 when a block failed."""
    if not getattr(app.config, CONFIG) or isinstance(app.builder, ConsoleCheckBuilder):
        return
    start = time.process_time()
    site = SiteConsoleCheck(Path(app.srcdir), app.config, env)
    site.check(env.found_docs)
    outdir = report_dir(app.outdir)
    failures = site.report(outdir)
    logger.info(
        __("consolecheck in the %s build: %d blocks, %d page(s) checked, %d kept, %.3f s CPU"),
        app.builder.name,
        len(site.results),
        site.checked,
        site.kept,
        time.process_time() - start,
    )
    logger.info(__("consolecheck report: %s"), outdir / "output.txt")
    if failures:
        app.statuscode = 1


def register(app: Sphinx) -> None:
    """The check after reading (its config value is in :mod:`hpccourse.config`)."""
    # After consolecheck's own env-updated handlers (the table view kept for the rules).
    app.connect("env-updated", check_after_reading, priority=600)
