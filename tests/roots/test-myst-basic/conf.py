"""The MyST twin of test-consolecheck-basic: blocks that pass, fail, are skipped or are
generated, in Markdown."""

project = "myst-basic"
extensions = ["myst_parser", "hpccourse"]
myst_enable_extensions = ["colon_fence"]
