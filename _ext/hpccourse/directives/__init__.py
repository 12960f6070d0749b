"""The extension's directives: each builds docutils nodes, never markup to re-parse.

- :mod:`.base`: :class:`~.base.TableDirective`, what the table's directives share;
- :mod:`.commands`: ``cluster-commands``, one tab per cluster of a step's commands;
- :mod:`.facts`: ``cluster-facts``, the clusters' facts as admonitions, a table, links;
- :mod:`.clusterprose`: the roles ``clusters`` and ``cluster-count`` (prose naming or
  counting the clusters, from the table) and the check of prose that counts them wrongly;
- :mod:`.deps`: which parts of the table each page used (rebuild only those pages);
- :mod:`.tableerror`: a table that does not load, reported once at its line;
- :mod:`.lesson`: the lesson boxes, under sphinx-lesson's names (``objectives``, ``exercise``,
  ``solution``, ``instructor-note``, ``keypoints``...);
- :mod:`.prompt` and :mod:`.codeblock`: ``prompt``, ``code-block`` and ``code`` keeping
  what the console checker needs (``:consolecheck:``);
- :mod:`.tabset`: sphinx-tabs' group-tab set, built as nodes (for ``cluster-commands``);
- :mod:`.straytab`: a sphinx-tabs tab outside ``.. tabs::``, a located error, no crash;
- :mod:`.lines`, :mod:`.fences` and :mod:`.contentlines`: the line of a block's first
  command on RST and MyST pages alike (myst-parser counts directive content and code
  fences differently; other extensions' directives, sphinx-tabs' ``code-tab``, give
  their own line).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_directives(app: Sphinx) -> None:
    """Register every directive (sphinx-tabs and sphinx-prompt set up before)."""
    from . import (
        clusterprose,
        codeblock,
        commands,
        contentlines,
        facts,
        lesson,
        prompt,
        straytab,
        tableerror,
    )

    commands.setup(app)
    facts.setup(app)
    clusterprose.setup(app)
    lesson.setup(app)
    prompt.setup(app)
    codeblock.setup(app)
    tableerror.setup(app)
    contentlines.setup(app)
    straytab.setup(app)
