"""Diagrams from the site's own mermaid copy (the test points html_static_path at it)."""

extensions = ["sphinxcontrib.mermaid", "hpccourse.html.diagrams"]
exclude_patterns = ["_build"]
mermaid_use_local = "mermaid/mermaid.min.js"
mermaid_init_config = {"startOnLoad": False, "flowchart": {"curve": "basis"}}
