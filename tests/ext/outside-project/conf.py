"""A course at another centre, using the installed sphinx-hpccourse and nothing else.

tests/ext/test_package.py copies this folder, installs the wheel into a fresh virtual
environment and builds it there: no sys.path, no _ext/, no file of the course site.
"""

project = "Python on the Nordic clusters"
author = "A centre that reuses hpccourse"

extensions = ["hpccourse", "hpccourse.html.diagrams"]
exclude_patterns = ["_build", "builder-only"]
