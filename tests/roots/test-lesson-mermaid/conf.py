"""Diagrams drawn ahead of the build: diagrams/flow.svg is committed beside flow.mmd."""

extensions = ["hpccourse.html.diagrams"]
exclude_patterns = ["_build"]
