"""Only the lesson admonitions: their own module as an extension."""

extensions = ["hpccourse.lesson"]
exclude_patterns = ["_build"]
