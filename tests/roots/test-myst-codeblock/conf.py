"""The MyST twin of test-consolecheck-codeblock: code-block, sourcecode and code, in
Markdown."""

project = "myst-codeblock"
extensions = ["myst_parser", "hpccourse"]
myst_enable_extensions = ["colon_fence"]
