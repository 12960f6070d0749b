"""Only the lesson admonitions: their own module as an extension."""

extensions = ["hpccourse.directives.lesson"]
exclude_patterns = ["_build"]
