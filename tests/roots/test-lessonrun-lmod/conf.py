"""Two clusters whose Lmod trees differ: one hierarchical, one flat (see clusters.toml)."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
lessonrun_standins = "standins.toml"
