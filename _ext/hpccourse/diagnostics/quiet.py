"""Output a teacher need not read: myst-parser's configuration dump, on every Sphinx run.

myst-parser logs its whole configuration (``myst v5.2.0: MdParserConfig(...)``, one
long line) at ``builder-inited`` of every build, check and preview rebuild, where it
hides the lines that matter. A filter on the one logger it uses for that drops this
message only; myst-parser's warnings and errors pass.
"""

from __future__ import annotations

import logging

from sphinx.application import Sphinx

#: The logger of ``myst_parser.sphinx_ext.main`` (Sphinx's loggers live under "sphinx.").
MYST_LOGGER = "sphinx.myst_parser.sphinx_ext.main"


class _NoConfigDump(logging.Filter):
    """Drops the INFO record that dumps myst-parser's configuration."""

    def filter(self, record: logging.LogRecord) -> bool:
        dump = record.levelno == logging.INFO and "myst v%s:" in str(record.msg)
        return not dump


_FILTER = _NoConfigDump()


def setup(app: Sphinx) -> None:
    log = logging.getLogger(MYST_LOGGER)
    if _FILTER not in log.filters:
        log.addFilter(_FILTER)
