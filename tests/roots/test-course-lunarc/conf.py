"""Another centre's course: its own required facts, fact kinds and project roots, and no
stand-in package list (lessonrun_standins unset)."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
