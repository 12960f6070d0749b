"""A testroot whose links all point at the test's own HTTP server.

`:local:`path`` is an extlinks role; the test sets `extlinks` to its server's
address (a free port, known only at run time). The settings below are the
kinds `make linkcheck` uses in the site's conf.py, scaled down for a test.
"""

extensions = ["sphinx.ext.extlinks"]
exclude_patterns = ["_build"]

linkcheck_timeout = 1
linkcheck_retries = 1
linkcheck_workers = 4
linkcheck_rate_limit_timeout = 10.0
linkcheck_report_timeouts_as_broken = False
linkcheck_anchors = True
# This page draws its anchors with JavaScript: they are not in its HTML.
linkcheck_anchors_ignore_for_url = [r"http://127\.0\.0\.1:\d+/drawn-by-js"]
# The one redirect we accept.
linkcheck_allowed_redirects = {r"http://127\.0\.0\.1:\d+/moved": r"http://127\.0\.0\.1:\d+/ok"}
# Never checked: behind a login.
linkcheck_ignore = [r"http://127\.0\.0\.1:\d+/private"]
