"""The MyST twin of test-consolecheck-prompt: prompt blocks of every shape, in Markdown."""

project = "myst-prompt"
extensions = ["myst_parser", "hpccourse"]
myst_enable_extensions = ["colon_fence"]
