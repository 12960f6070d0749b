"""The MyST twin of test-consolecheck-collect: every kind of console block, in Markdown."""

project = "myst-collect"
extensions = ["myst_parser", "hpccourse"]
myst_enable_extensions = ["colon_fence"]
