"""A lesson admonition without a body: a located error, the build goes on."""

extensions = ["hpccourse.directives.lesson"]
exclude_patterns = ["_build"]
