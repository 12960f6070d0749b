"""lessonrun: run the lesson's exercises for real, once per cluster, in a sandbox.

- ``model``: the records (Sphinx-free).
- ``exercises``: doctree -> exercises (console blocks grouped by section; docutils only).
- ``plan``: an exercise's blocks -> the steps a cluster's run types.
- ``safety``: refuse commands that would write outside the sandbox.
- ``sandbox``: the simulated cluster (home, mapped storage root, `module`, a Python).
- ``wheels``: the offline wheelhouse of stand-in packages (``standins.toml``).
- ``session``: one bash session per exercise, and the judging of each command.
- ``runner``: every cluster side by side; ``report``: ``output.txt`` and ``report.json``.
- ``builder``: the Sphinx builder (imported only by :func:`setup`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    """Register the ``lessonrun`` builder."""
    from . import builder

    builder.setup(app)
