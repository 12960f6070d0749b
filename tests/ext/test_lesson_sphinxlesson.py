"""sphinx-lesson's directives provided here (issue 11): same names and options, so a
course moving from sphinx-lesson keeps its pages and every block in them is checked; and
sphinx-design tab items whose labels name clusters give their blocks those clusters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hpccourse.directives.lesson import SPHINX_LESSON_KINDS
from sphinx.testing.util import SphinxTestApp

# Every directive sphinx-lesson 0.8 registers (sphinx_lesson/directives.py).
SPHINX_LESSON_NAMES = {
    "demo", "type-along", "exercise", "solution", "homework", "instructor-note",
    "prerequisites", "discussion", "questions", "objectives", "keypoints", "callout",
    "challenge", "checklist", "prereq", "testimonial", "output",
}  # fmt: skip


def test_every_sphinx_lesson_directive_is_provided() -> None:
    provided = set(SPHINX_LESSON_KINDS) | {"objectives", "instructor-note", "keypoints"}
    assert provided == SPHINX_LESSON_NAMES


@pytest.mark.sphinx("html", testroot="lesson-sphinxlesson")
def test_html_has_an_admonition_per_box_with_sphinx_lessons_classes(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    boxes = [
        set(classes.split())
        for classes in re.findall(r'<div class="([^"]*)"', html)
        if "admonition" in classes.split()
    ]
    assert {name for box in boxes for name in box} >= SPHINX_LESSON_NAMES
    assert {"solution", "important", "dropdown", "shown", "admonition"} in boxes
    assert {"exercise", "important", "admonition-no-content", "admonition"} in boxes
    assert '<p class="admonition-title">Type-Along</p>' in html


@pytest.mark.sphinx("consolecheck", testroot="lesson-sphinxlesson")
def test_blocks_in_boxes_and_design_tabs_are_checked(app: SphinxTestApp) -> None:
    app.build()
    blocks = json.loads((Path(app.outdir) / "report.json").read_text(encoding="utf-8"))["blocks"]
    echoed = {b["commands"][0].split()[1] for b in blocks if b["commands"][0].startswith("echo")}
    assert echoed == SPHINX_LESSON_NAMES
    tabs = [b for b in blocks if "module" in b["commands"][0] or "conda" in b["commands"][0]]
    assert [b["cluster"] for b in tabs] == ["uppmax", "hpc2n", None]
    # The HPC2N tab loads UPPMAX's module: CC206 only there, so the tab gave the cluster.
    assert [[p["code"] for p in b["problems"]] for b in tabs] == [[], ["CC206"], []]
