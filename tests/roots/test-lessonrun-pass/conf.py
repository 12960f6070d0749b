"""Two clusters, a small lesson whose exercises all pass when run for real."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
lessonrun_standins = "standins.toml"
