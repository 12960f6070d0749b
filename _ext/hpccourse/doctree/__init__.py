"""Walks of a read doctree, shared by the builders (docutils only, no Sphinx).

- :mod:`.collect`: every console block of a page, with its cluster, source and line;
- :mod:`.includes`: for a block from a literalinclude'd file, a clipped include or an
  autodoc'd docstring (:mod:`.docstrings`), the file and lines where it is edited
  (:mod:`.includeopts`: the lines a literalinclude's options select; :mod:`.rows`: a
  block's rows found in a file);
- :mod:`.exercises`: those blocks grouped into a page's exercises (for ``lessonrun``).
"""
