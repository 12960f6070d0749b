"""What a teacher sees of a build's problems, on every build until they are fixed.

- :mod:`.kept`: every warning raised while a page is read (whoever raises it), kept per
  page in the environment and reported
  again for the pages a later build does not read (so ``-W`` still fails);
- :mod:`.resolved`: the same for warnings raised while a page is resolved (``-n``'s
  missing references), kept in a file beside the doctrees;
- :mod:`.encoding`: a page that is not valid UTF-8 is a located warning, not a traceback;
- :mod:`.quiet`: no configuration dump (myst-parser's) on every run, hiding the rest;
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_diagnostics(app: Sphinx) -> None:
    """Connect the parts (each keeps its own records)."""
    from . import encoding, kept, quiet, resolved

    kept.setup(app)
    resolved.setup(app)
    encoding.setup(app)
    quiet.setup(app)
