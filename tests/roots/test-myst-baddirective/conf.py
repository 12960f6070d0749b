"""The MyST twin of test-cluster-baddirective: every directive of the extension used
wrongly in Markdown, each reported at its line; one right use still builds."""

extensions = ["myst_parser", "hpccourse"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
sphinx_tabs_disable_tab_closing = True
