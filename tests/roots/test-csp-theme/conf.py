"""A theme that shows a page's content through a value of its own (like a summary or a
header menu built from titles): tests/ext/test_csp.py."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
templates_path = ["_templates"]


def _summary(app, pagename, templatename, context, doctree):
    context["summary"] = context.get("body", "")


def setup(app):
    app.connect("html-page-context", _summary)
