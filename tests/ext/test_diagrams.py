"""Diagrams drawn ahead of the build: the page inlines the committed SVG, accessibly, with
no script; a missing or stale SVG is a warning at the directive's line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hpccourse.html.diagramsvg import (
    RENDER_ID,
    Status,
    first_sentence,
    inline_svg,
    recorded_digest,
    source_digest,
    stamp,
    status,
)
from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parents[2]
SVG = re.compile(r"<svg\b[^>]*>")


def warnings_of(app: SphinxTestApp) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())


# ---------------------------------------------------------------- the SVG files
def test_stamp_records_the_source_digest_once(tmp_path: Path) -> None:
    svg = '<svg id="x" viewBox="0 0 10 10"><g/></svg>'
    stamped = stamp(stamp(svg, "a" * 64), "b" * 64)
    assert recorded_digest(stamped) == "b" * 64
    assert stamped.count("data-source-sha256") == 1


def test_the_title_is_the_alt_text_s_first_sentence() -> None:
    assert first_sentence("Python has versions. A manager manages them.") == (
        "Python has versions."
    )
    assert first_sentence("1. Load modules, 2. create, and activate again.") == (
        "1. Load modules, 2. create, and activate again."
    )
    assert first_sentence("No full stop") == "No full stop"


def test_status_follows_the_source(tmp_path: Path) -> None:
    source = tmp_path / "flow.mmd"
    source.write_text("flowchart TD\n  a --> b\n", encoding="utf-8")
    assert status(source) is Status.MISSING
    svg = stamp('<svg id="x"><g/></svg>', source_digest(source.read_text(encoding="utf-8")))
    (tmp_path / "flow.svg").write_text(svg, encoding="utf-8")
    assert status(source) is Status.CURRENT
    source.write_text("flowchart TD\n  a --> c\n", encoding="utf-8")
    assert status(source) is Status.STALE


def test_inline_svg_is_a_named_described_scaling_image_with_its_own_ids() -> None:
    svg = (
        f'<svg id="{RENDER_ID}" width="100%" style="max-width: 300px;" viewBox="0 0 300 200" '
        f'role="graphics-document document" data-source-sha256="abc">'
        f'<style>#{RENDER_ID} .node{{fill:red}}</style><marker id="{RENDER_ID}_end"/>'
        '<g id="flowchart-a-0"/><path id="L_a_b_0" marker-end="url(#L_a_b_0)"/></svg>'
    )
    out = inline_svg(svg, "diagram-flow-2", "First <load>. Then create.")
    root = SVG.search(out)[0]
    assert 'role="img"' in root and 'width="100%"' in root and 'viewBox="0 0 300 200"' in root
    assert 'aria-labelledby="diagram-flow-2-title"' in root
    assert "data-source-sha256" not in root and "graphics-document" not in root
    assert '<title id="diagram-flow-2-title" class="nohighlight">First &lt;load&gt;.</title>' in out
    assert (
        '<desc id="diagram-flow-2-desc" class="nohighlight">First &lt;load&gt;. Then create.</desc>'
        in out
    )
    assert RENDER_ID not in out
    assert "#diagram-flow-2 .node" in out and 'id="diagram-flow-2_end"' in out
    assert 'id="diagram-flow-2-flowchart-a-0"' in out
    assert 'id="diagram-flow-2-L_a_b_0" marker-end="url(#diagram-flow-2-L_a_b_0)"' in out


def test_every_course_diagram_has_a_current_svg() -> None:
    """A .mmd edited without `make diagrams` fails here, offline, with no browser."""
    sources = sorted((ROOT / "diagrams").glob("*.mmd"))
    assert sources
    stale = {s.name: status(s).value for s in sources if status(s) is not Status.CURRENT}
    assert not stale, f"run `make diagrams` and commit the SVGs: {stale}"


# ------------------------------------------------------------------ the build
@pytest.mark.sphinx("html", testroot="lesson-mermaid")
def test_pages_inline_the_svg_with_their_alt_text_and_load_no_script(
    app: SphinxTestApp,
) -> None:
    app.build()
    assert warnings_of(app) == ""
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    roots = SVG.findall(page)
    assert len(roots) == 2
    ids = [re.search(r'\bid="([^"]+)"', root)[1] for root in roots]
    assert len(set(ids)) == 2
    assert all('role="img"' in root for root in roots)
    assert page.count("<desc id=") == 2 and "First load. Then create.</desc>" in page
    assert '<figure class="diagram align-left">' in page
    assert "mermaid.min.js" not in page and "mermaid-init" not in page
    assert "1.Load" in page  # the label, as SVG text
    deep = (app.outdir / "sub" / "deep.html").read_text(encoding="utf-8")
    assert "<desc id=" in deep and 'href="../_static/diagrams.css' in deep
    plain = (app.outdir / "plain.html").read_text(encoding="utf-8")
    assert "diagrams.css" not in plain and "<svg" not in plain
    assert not (app.outdir / "_static" / "mermaid").exists()


@pytest.mark.sphinx("html", testroot="lesson-mermaid")
def test_the_search_index_has_no_diagram_source(app: SphinxTestApp) -> None:
    app.build()
    index = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
    assert "flowchart" not in index and "1.Load" not in index


@pytest.mark.sphinx("html", testroot="lesson-mermaid", srcdir="lesson-mermaid-stale")
def test_a_stale_svg_is_a_warning_at_the_directive_and_still_shown(make_app, app_params) -> None:
    args, kwargs = app_params
    source = Path(kwargs["srcdir"], "diagrams", "flow.mmd")
    source.write_text(source.read_text(encoding="utf-8") + "  b --> c\n", encoding="utf-8")
    app = make_app(*args, **kwargs)
    app.build()
    warnings = warnings_of(app)
    assert "index.rst:9: WARNING: diagrams/flow.svg was rendered from an older" in warnings
    assert "sub/deep.rst:4: WARNING:" in warnings and "run `make diagrams`" in warnings
    assert "Traceback" not in warnings
    assert "<svg" in (app.outdir / "index.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="lesson-mermaid", srcdir="lesson-mermaid-missing")
def test_a_missing_svg_is_a_warning_and_the_page_shows_the_alt_text(make_app, app_params) -> None:
    args, kwargs = app_params
    Path(kwargs["srcdir"], "diagrams", "flow.svg").unlink()
    (Path(kwargs["srcdir"]) / "plain.rst").write_text(
        "No diagram\n==========\n\n.. mermaid:: /diagrams/nowhere.mmd\n   :alt: x\n",
        encoding="utf-8",
    )
    app = make_app(*args, **kwargs)
    app.build()
    warnings = warnings_of(app)
    assert "index.rst:9: WARNING: diagrams/flow.mmd has no rendered SVG" in warnings
    assert "plain.rst:4: WARNING: no diagram source diagrams/nowhere.mmd" in warnings
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert '<p class="diagram-missing">First load. Then create.</p>' in page
