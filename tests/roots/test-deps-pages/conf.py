"""Pages that use different parts of the data table: tests/ext/test_dependencies.py."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
