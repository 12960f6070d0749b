"""Link checking: each kind of answer a lesson's link can get is classified as
Sphinx's linkcheck builder does, and the broken ones fail the build.

The testroot's links point at an HTTP server this test starts on 127.0.0.1;
the project's own `make linkcheck` needs the internet and is not run here.
"""

from __future__ import annotations

import json
import re
import runpy
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from localserver import serve
from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parents[2]
PAGE = b'<html><body><h2 id="here">Here</h2><p>A page.</p></body></html>'
SLOW_SECONDS = 3  # the testroot's linkcheck_timeout is 1


class Answers(BaseHTTPRequestHandler):
    """One path per kind of answer; ``hits`` counts the requests per path."""

    hits: Counter[str]

    def log_message(self, format: str, *args: object) -> None:
        """No access log on the test's output."""

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        path = self.path.split("?")[0]
        self.hits[path] += 1
        match path:
            case "/ok" | "/drawn-by-js" | "/private":
                self.send(200, body)
            case "/missing":
                self.send(404, body)
            case "/error":
                self.send(500, body)
            case "/moved":
                self.send(301, body, Location="/ok")
            case "/elsewhere":
                self.send(302, body, Location="/ok")
            case "/busy":
                if self.hits[path] == 1:
                    self.send(429, body, **{"Retry-After": "1"})
                else:
                    self.send(200, body)
            case "/slow":
                time.sleep(SLOW_SECONDS)
                self.send(200, body)
            case _:
                self.send(404, body)

    def send(self, code: int, body: bool, **headers: str) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(PAGE)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up waiting (the slow page)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Counter[str]]]:
    """The answering server on a free port, and its hit counts."""
    hits: Counter[str] = Counter()
    handler = type("CountingAnswers", (Answers,), {"hits": hits})
    httpd, url = serve(handler)
    try:
        yield url, hits
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def checked(
    server: tuple[str, Counter[str]], rootdir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SphinxTestApp, dict[str, dict[str, Any]]]]:
    """The testroot checked once: the app and output.json's entries by path."""
    base, _hits = server
    srcdir = tmp_path_factory.mktemp("linkcheck") / "src"
    shutil.copytree(rootdir / "test-linkcheck", srcdir)
    app = SphinxTestApp(
        "linkcheck",
        srcdir=srcdir,
        confoverrides={"extlinks": {"local": (f"{base}/%s", "%s")}},
    )
    try:
        app.build()
        lines = (app.outdir / "output.json").read_text(encoding="utf-8").splitlines()
        results = {}
        for line in lines:
            entry = json.loads(line)
            results[entry["uri"].removeprefix(base + "/")] = entry
        yield app, results
    finally:
        app.cleanup()


Checked = tuple[SphinxTestApp, dict[str, dict[str, Any]]]

EXPECTED = {
    "ok": ("working", 0, ""),
    "ok#here": ("working", 0, ""),
    "ok#nowhere": ("broken", 0, "Anchor 'nowhere' not found"),
    "missing": ("broken", 0, "404 Client Error"),
    "error": ("broken", 0, "500 Server Error"),
    "moved": ("working", 0, ""),
    "elsewhere": ("redirected", 302, "/ok"),
    "drawn-by-js#section": ("working", 0, ""),
    "busy": ("working", 0, ""),
    "slow": ("timeout", 0, "timed out"),
    "private": ("ignored", 0, ""),
}


@pytest.mark.parametrize("path", EXPECTED)
def test_each_answer_is_classified_as_sphinx_does(checked: Checked, path: str) -> None:
    _app, results = checked
    status, code, info = EXPECTED[path]
    entry = results[path]
    assert (entry["status"], entry["code"]) == (status, code), entry
    assert info in entry["info"], entry


def test_rate_limited_link_is_retried_after_its_retry_after(
    checked: Checked, server: tuple[str, Counter[str]]
) -> None:
    _base, hits = server
    assert hits["/busy"] == 2  # the 429, then the retry that succeeded


def test_ignored_link_is_never_requested(
    checked: Checked, server: tuple[str, Counter[str]]
) -> None:
    _base, hits = server
    assert hits["/private"] == 0


def test_broken_links_and_timeouts_fail_the_build(
    checked: Checked,
) -> None:
    app, _results = checked
    assert app.statuscode == 1
    report = (app.outdir / "output.txt").read_text(encoding="utf-8")
    for path in ("ok#nowhere", "missing", "error", "slow"):
        assert re.search(rf"index\.rst:\d+: \[(broken|timeout)\] \S+/{re.escape(path)}", report)


def test_a_redirect_not_accepted_is_a_warning(
    checked: Checked,
) -> None:
    app, _results = checked
    warnings = app.warning.getvalue()
    assert re.search(r"index\.rst:\d+: WARNING: redirect\s+\S+/elsewhere - with Found", warnings)
    assert "/moved" not in warnings


# ---- the site's own settings ---------------------------------------------------


@pytest.fixture(scope="module")
def site_config() -> dict[str, Any]:
    """The names conf.py defines (it only sets values)."""
    return runpy.run_path(str(ROOT / "conf.py"))


def test_every_ignored_address_has_a_reason(site_config: dict[str, Any]) -> None:
    reasons = site_config["LINKCHECK_IGNORE_REASONS"]
    assert list(site_config["linkcheck_ignore"]) == list(reasons)
    for pattern, reason in reasons.items():
        re.compile(pattern)
        assert reason.strip(), f"{pattern} is ignored without a reason"


def test_site_settings_bound_each_check(site_config: dict[str, Any]) -> None:
    assert 0 < site_config["linkcheck_timeout"] <= 60
    assert site_config["linkcheck_retries"] >= 2
    assert 0 < site_config["linkcheck_rate_limit_timeout"] <= 600
    assert site_config["linkcheck_anchors"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("http://docs.uppmax.uu.se/software/x/", "https://docs.uppmax.uu.se/software/x/"),
        ("https://example.readthedocs.io/", "https://example.readthedocs.io/en/latest/"),
    ],
)
def test_site_accepts_the_redirects_it_lists(
    site_config: dict[str, Any], source: str, target: str
) -> None:
    redirects = site_config["linkcheck_allowed_redirects"]
    assert any(re.match(s, source) and re.match(t, target) for s, t in redirects.items())
