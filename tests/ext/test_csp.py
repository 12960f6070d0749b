"""Every HTML page gets a Content-Security-Policy that allows exactly its inline scripts."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from hpccourse.html.csp import policy_for, script_hashes, with_policy
from sphinx.testing.util import SphinxTestApp

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)" />')
INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_each_inline_script_is_hashed_once_and_files_are_not() -> None:
    page = '<script src="a.js"></script><script>x()</script><script>x()</script><script>\n</script>'
    assert script_hashes(page) == [sha256("x()"), sha256("\n")]
    policy = policy_for(page)
    assert f"script-src 'self' {sha256('x()')} {sha256(chr(10))};" in policy
    assert "object-src 'none'" in policy and "http" not in policy


def test_the_policy_comes_first_in_head() -> None:
    out = with_policy("<html><head><script>a()</script></head><body></body></html>")
    assert out.startswith('<html><head>\n  <meta http-equiv="Content-Security-Policy"')
    assert with_policy("no document") == "no document"


@pytest.mark.sphinx("html", testroot="cluster-two")
def test_every_page_allows_exactly_its_inline_scripts(app: SphinxTestApp) -> None:
    app.build()
    pages = [p for p in app.outdir.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        policies = META.findall(text)
        assert len(policies) == 1, page.name
        assert text.index("Content-Security-Policy") < text.index("<script")
        allowed = set(re.findall(r"'sha256-[^']+'", policies[0]))
        assert allowed == {sha256(body) for body in INLINE.findall(text)}, page.name


@pytest.mark.sphinx("html", testroot="cluster-two", confoverrides={"hpccourse_csp": False})
def test_a_course_can_switch_the_policy_off(app: SphinxTestApp) -> None:
    app.build()
    assert "Content-Security-Policy" not in (app.outdir / "index.html").read_text("utf-8")
