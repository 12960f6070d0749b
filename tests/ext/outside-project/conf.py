"""A course at another centre, using the installed sphinx-hpccourse and nothing else.

tests/ext/test_package.py copies this folder, installs the wheel into a fresh virtual
environment and builds it there: no sys.path, no _ext/, no file of the course site.
A course written by hand; `hpccourse init` writes its own (tests/ext/test_init.py).
"""

project = "Python on the Nordic clusters"
author = "A centre that reuses hpccourse"

# hpccourse: the directives and builders; hpccourse.html.diagrams: Mermaid diagrams as
# inline SVG, drawn ahead of the build (`python -m hpccourse.html.diagramrender diagrams`).
extensions = ["hpccourse", "hpccourse.html.diagrams"]
exclude_patterns = ["_build"]

# `-b lessonrun` installs these stand-ins instead of downloading the real packages.
lessonrun_standins = "standins.toml"
