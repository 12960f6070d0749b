"""The checking builders: each reads every page's doctree and writes one site report.

- :mod:`.base`: what they share (whole-site runs, exit status, html tab nodes);
- :mod:`.report`: the one report writer (``output.txt``, ``report.json``, then warnings);
- :mod:`.consolecheck`: checks every console block (core: :mod:`hpccourse.console`);
  :mod:`.blockcache` keeps each page's blocks from reading, :mod:`.resultcache` each page's
  results from one check to the next, and :mod:`.inbuild` runs the same check inside
  another build (``-D hpccourse_consolecheck=1``, what ``make check`` runs);
- :mod:`.lessonrun`: runs every exercise per cluster (core: :mod:`hpccourse.lessonrun`);
- :mod:`.spelling`: sphinxcontrib-spelling reading tab labels too (an extension of its
  own, ``hpccourse.builders.spelling``, since it needs PyEnchant).

``consolecheck`` and ``lessonrun`` are also found by name through the
``sphinx.builders`` entry point: ``sphinx-build -b consolecheck`` loads the extension.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_builders(app: Sphinx) -> None:
    """Register ``consolecheck`` and ``lessonrun``."""
    from . import consolecheck, inbuild, lessonrun

    consolecheck.register(app)
    inbuild.register(app)
    lessonrun.register(app)
