"""The same course with a conf.py that does not list hpccourse.

`sphinx-build -b consolecheck -c builder-only . OUT` still works: Sphinx finds the
builder through the package's `sphinx.builders` entry point, and the builder sets up
the extension. hpccourse.html.diagrams (not hpccourse) only so that the page's diagram
directive is known.
"""

project = "Python on the Nordic clusters"
extensions = ["hpccourse.html.diagrams"]
exclude_patterns = ["_build"]
