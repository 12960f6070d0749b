"""The MyST twin of test-lessonrun-fail: one exercise per way a lesson can be wrong."""

extensions = ["myst_parser", "hpccourse"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
lessonrun_standins = "standins.toml"
