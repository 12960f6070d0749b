"""Walks of a read doctree, shared by the builders (docutils only, no Sphinx).

- :mod:`.collect`: every console block of a page, with its cluster, source and line;
- :mod:`.includes`: for a block from a literalinclude'd file or an autodoc'd docstring,
  the file and lines where it is edited (:mod:`.includeopts`: the lines a literalinclude's
  options select);
- :mod:`.exercises`: those blocks grouped into a page's exercises (for ``lessonrun``).
"""
