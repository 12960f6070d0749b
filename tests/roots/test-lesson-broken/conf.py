"""A lesson admonition without a body: a located error, the build goes on."""

extensions = ["hpccourse.lesson"]
exclude_patterns = ["_build"]
