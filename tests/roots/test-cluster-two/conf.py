"""Two clusters, every kind of step: the directives' output."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
