"""The same course with a conf.py that does not list hpccourse.

`sphinx-build -b consolecheck -c builder-only . OUT` still works: Sphinx finds the
builder through the package's `sphinx.builders` entry point, and the builder sets up
the extension. sphinxcontrib.mermaid only so that the page's diagram directive is known.
"""

project = "Python on the Nordic clusters"
extensions = ["sphinxcontrib.mermaid"]
exclude_patterns = ["_build"]
