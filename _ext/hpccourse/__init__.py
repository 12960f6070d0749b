"""hpccourse: the Sphinx extension behind the HPC Python course site.

Data flows one way: ``clusters.toml`` -> directives -> doctree -> builders.

- ``config``: every configuration value, in one place.
- ``table``: loads and validates the data table (no Sphinx in it).
- ``tabs``: ``cluster-commands`` and ``cluster-facts``, generated from the table.
- ``lesson``: the lesson admonitions (``keypoints``, ``objectives``, ...).
- ``prompt``: sphinx-prompt's ``prompt`` directive, keeping what a checker needs.
- ``console``: the console-block checking core (no Sphinx in it).
- ``collect`` and ``consolecheck``: doctree -> block records -> the checking builder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    """Wire the parts; each part's own ``setup`` registers what it adds.

    The Sphinx-side modules are imported here, not at package import, so that
    ``hpccourse.console`` (the checking core) loads without Sphinx.
    """
    from . import choice, config, consolecheck, lesson, lessonrun, prompt, tabs

    app.setup_extension("sphinx_tabs.tabs")
    app.setup_extension("sphinx-prompt")
    config.setup(app)
    tabs.setup(app)
    lesson.setup(app)
    prompt.setup(app)
    consolecheck.setup(app)
    choice.setup(app)
    lessonrun.setup(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
