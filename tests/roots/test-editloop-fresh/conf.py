"""A small site for tests/ext/test_editloop_fresh.py (interrupted builds, new pages)."""

import os
import time

extensions = ["hpccourse"]
exclude_patterns = ["_build"]


def _hold_writing(app, pagename, templatename, context, doctree):
    """With HPCCOURSE_TEST_HOLD set, writing pauses at the first page: the test kills the
    build in that window (after the environment is saved, before any page is written)."""
    time.sleep(60)


def setup(app):
    if os.environ.get("HPCCOURSE_TEST_HOLD"):
        app.connect("html-page-context", _hold_writing)
