"""The same lesson as RST (rst.rst) and as MyST (md.md), and pages mixing both formats
(mixed-md.md includes an RST file, mixed-rst.rst a Markdown file)."""

extensions = ["myst_parser", "hpccourse"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build", "parts"]
sphinx_tabs_disable_tab_closing = True
