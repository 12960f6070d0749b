"""Mermaid is vendored in the package (pinned, checksummed) and served by it, never a CDN."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from hpccourse.html.assets import STATIC_DIR
from hpccourse.html.diagrams import PACKAGED_MERMAID
from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parents[2]
MERMAID_DIR = STATIC_DIR / "mermaid"
# <script src=...> and <link href=...>: what a page loads by itself.
LOADED = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"")


def _manifest() -> dict[str, str]:
    return json.loads((MERMAID_DIR / "manifest.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_vendored_file_matches_the_manifest_checksum() -> None:
    manifest = _manifest()
    assert manifest["package"] == "mermaid"
    assert _sha256(MERMAID_DIR / manifest["file"]) == manifest["sha256"]


def test_manifest_version_is_the_makefile_pin_and_the_file_says_so() -> None:
    manifest = _manifest()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"^MERMAID_VERSION \?= (\S+)$", makefile, re.MULTILINE)
    assert pinned is not None
    assert manifest["version"] == pinned.group(1)
    script = (MERMAID_DIR / manifest["file"]).read_text(encoding="utf-8")
    assert f'version:"{manifest["version"]}"' in script.replace(" ", "")


def test_vendored_file_is_the_classic_build_that_loads_from_disk() -> None:
    """ES modules do not load from file://: the classic build sets a global."""
    script = (MERMAID_DIR / _manifest()["file"]).read_text(encoding="utf-8")
    assert script.rstrip().endswith(
        'globalThis["mermaid"] = globalThis.__esbuild_esm_mermaid_nm["mermaid"].default;'
    )
    assert "import(" not in script[:2000]


def test_site_conf_serves_the_manifest_file() -> None:
    conf = (ROOT / "conf.py").read_text(encoding="utf-8")
    assert f'mermaid_use_local = "mermaid/{_manifest()["file"]}"' in conf
    assert '"hpccourse.html.diagrams"' in conf


@pytest.mark.sphinx("html", testroot="lesson-mermaid")
def test_diagram_page_loads_local_classic_script_then_init(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", html)
    mermaid = [i for i, s in enumerate(scripts) if "_static/mermaid/mermaid.min.js" in s]
    init = [i for i, s in enumerate(scripts) if "_static/mermaid-init.js" in s]
    assert len(mermaid) == 1 and len(init) == 1 and mermaid[0] < init[0]
    assert 'type="module"' not in html
    assert "cdn.jsdelivr.net" not in html
    assert '"flowchart": {"curve": "basis"}' in html
    assert '<pre  class="mermaid">' in html or '<pre class="mermaid">' in html
    copied = app.outdir / "_static" / "mermaid" / "mermaid.min.js"
    assert _sha256(copied) == _manifest()["sha256"]


@pytest.mark.sphinx("html", testroot="lesson-mermaid")
def test_no_page_loads_anything_from_another_host(app: SphinxTestApp) -> None:
    app.build()
    pages = list(app.outdir.rglob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        for url in LOADED.findall(page.read_text(encoding="utf-8")):
            assert not re.match(r"([a-z]+:)?//", url), f"{page.name} loads {url}"


@pytest.mark.sphinx("html", testroot="lesson-mermaid")
def test_script_urls_are_relative_to_each_page(app: SphinxTestApp) -> None:
    app.build()
    deep = (app.outdir / "sub" / "deep.html").read_text(encoding="utf-8")
    assert 'src="../_static/mermaid/mermaid.min.js' in deep
    assert 'src="../_static/mermaid-init.js' in deep


@pytest.mark.sphinx("html", testroot="lesson-mermaid")
def test_pages_without_diagrams_load_no_mermaid(app: SphinxTestApp) -> None:
    app.build()
    plain = (app.outdir / "plain.html").read_text(encoding="utf-8")
    assert "mermaid" not in plain


@pytest.mark.sphinx(
    "html",
    testroot="lesson-mermaid",
    confoverrides={"mermaid_use_local": "mermaid/missing.js"},
)
def test_missing_vendored_file_is_a_clear_warning(app: SphinxTestApp) -> None:
    app.build()
    warnings = app.warning.getvalue()
    assert "vendored mermaid 'mermaid/missing.js' not found" in warnings
    assert "make mermaid" in warnings
    assert "Traceback" not in warnings


@pytest.mark.sphinx(
    "html",
    testroot="lesson-mermaid",
    confoverrides={"mermaid_use_local": "https://cdn.jsdelivr.net/npm/mermaid/dist/mermaid.min.js"},
)
def test_a_cdn_address_warns_and_is_not_loaded(app: SphinxTestApp) -> None:
    app.build()
    assert "mermaid_use_local must name a vendored mermaid.min.js" in app.warning.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net" not in html


@pytest.mark.sphinx("html", testroot="lesson-mermaid", confoverrides={"mermaid_use_local": ""})
def test_unset_local_copy_serves_the_packaged_copy(app: SphinxTestApp) -> None:
    """A course that only lists the extension gets working offline diagrams."""
    app.build()
    assert app.warning.getvalue() == ""
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert f'src="_static/{PACKAGED_MERMAID}' in html
    assert "cdn.jsdelivr.net" not in html
    assert _sha256(app.outdir / "_static" / PACKAGED_MERMAID) == _manifest()["sha256"]
