"""A small site for tests/ext/test_editloop_fresh.py (interrupted builds, new pages)."""

import os
import pathlib
import time

extensions = ["hpccourse"]
exclude_patterns = ["_build"]


#: The page the tests edit: the builds pause there (other pages, index among them, may be
#: written again before it and go on).
HELD = "load"


def _hold_writing(app, pagename, templatename, context, doctree):
    """With HPCCOURSE_TEST_HOLD set, writing pauses at the edited page: the test kills
    the build in that window (after the environment is saved, before that page is
    written)."""
    if pagename != HELD:
        return
    print(f"hpccourse-test: holding at {pagename}", flush=True)
    time.sleep(60)


def _hold_before_the_search_index(app):
    """HPCCOURSE_TEST_HOLD=index: every page is written, the search index not yet dumped
    (html-collect-pages comes before it among the builder's finishing tasks)."""
    print("hpccourse-test: pages written", flush=True)
    time.sleep(60)
    return []


def _hold_mid_write():
    """HPCCOURSE_TEST_HOLD=midwrite: the edited page's first half is written, then the
    build pauses (the test kills it there: a page cut off as by a kill mid-write)."""
    write_text = pathlib.Path.write_text

    def half_then_hold(self, data, *args, **kwargs):
        if ".html" not in self.name or not data.rstrip().endswith("</html>"):
            return write_text(self, data, *args, **kwargs)
        with open(self, "w", encoding="utf-8") as f:
            f.write(data[: len(data) // 2])
        page = self.name.lstrip(".").partition(".html")[0] + ".html"  # .x.html.PID.partial
        if page != f"{HELD}.html":
            return write_text(self, data, *args, **kwargs)
        print(f"hpccourse-test: half of {page} written", flush=True)
        time.sleep(60)
        return write_text(self, data, *args, **kwargs)

    pathlib.Path.write_text = half_then_hold


def setup(app):
    hold = os.environ.get("HPCCOURSE_TEST_HOLD")
    if hold == "index":
        app.connect("html-collect-pages", _hold_before_the_search_index)
    elif hold == "midwrite":
        _hold_mid_write()
    elif hold:
        app.connect("html-page-context", _hold_writing)
