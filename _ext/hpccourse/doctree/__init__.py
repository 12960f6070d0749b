"""Walks of a read doctree, shared by the builders (docutils only, no Sphinx).

- :mod:`.collect`: every console block of a page, with its cluster, source and line;
- :mod:`.exercises`: those blocks grouped into a page's exercises (for ``lessonrun``).
"""
