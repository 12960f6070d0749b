"""Two clusters, one exercise per way a lesson can be wrong; each must fail for its reason."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
lessonrun_standins = "standins.toml"
