"""Scripts that reach a page through its content, and one page that opts in to them:
tests/ext/test_csp.py and tests/ext/test_browser_csp_content.py."""

extensions = ["myst_parser", "hpccourse"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
hpccourse_csp_script_pages = ["widgets"]
