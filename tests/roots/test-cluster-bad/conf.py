"""Broken data tables: each test picks one with ``hpccourse_table``."""

extensions = ["hpccourse"]
exclude_patterns = ["_build", "tables"]
sphinx_tabs_disable_tab_closing = True
