"""A page in the style of the centres' courses, for hpccourse migrate."""

extensions = ["hpccourse"]
exclude_patterns = ["_build", "*.orig"]
