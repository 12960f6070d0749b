"""Diagrams as inline SVG, drawn ahead of the build: no script on the reader's page.

``.. mermaid:: /diagrams/NAME.mmd`` (with ``:alt:`` and ``:align:``, the syntax
sphinxcontrib-mermaid takes) shows the SVG that ``make diagrams`` rendered from that
source and committed beside it, ``diagrams/NAME.svg`` (:mod:`.diagramrender`). The page
gets it inline: an image to assistive technology, named and described by the alt text,
scaling with the column, printable, readable without JavaScript; the search index sees
neither its source nor its labels. A missing SVG, or one rendered from an older source,
is a warning at the directive's line (run ``make diagrams``); a stale SVG is still
shown, a missing one is replaced by the alt text. ``make html`` needs no browser. A diagram
shown again on the same page is a ``<use>`` of its first drawing, with its own labels.

An extension of its own, ``hpccourse.html.diagrams``; it replaces sphinxcontrib-mermaid,
which is then not needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxTranslator

from .assets import serve_static
from .diagramsvg import Status, inline_svg, reused_svg, status, svg_path

logger = logging.getLogger(__name__)

DIAGRAM_CSS = "diagrams.css"
ALIGNS = ("left", "center", "right")


class diagram(nodes.General, nodes.Element):
    """A pre-rendered diagram: ``svg`` (the page's inline SVG, "" when missing), ``alt``."""


class MermaidDiagram(SphinxDirective):
    """``.. mermaid:: PATH``: the committed SVG of a Mermaid source file."""

    required_arguments = 1
    final_argument_whitespace = False
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "alt": directives.unchanged,
        "align": lambda value: directives.choice(value, ALIGNS),
    }

    def run(self) -> list[nodes.Node]:
        rel, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        source = Path(path)
        alt = " ".join(self.options.get("alt", "").split())
        if not source.is_file():
            return self._problem(f"no diagram source {rel}")
        self.env.note_dependency(str(source))
        self.env.note_dependency(str(svg_path(source)))
        found = status(source)
        if not alt:
            self._warn(f"{rel}: the diagram needs an :alt: text (what it shows, in words)")
        if found is Status.MISSING:
            return self._problem(f"{rel} has no rendered SVG: run `make diagrams`", alt)
        if found is Status.STALE:
            self._warn(
                f"{svg_path(Path(rel)).as_posix()} was rendered from an older {rel}: "
                "run `make diagrams`"
            )
        uid = f"diagram-{source.stem}-{self.env.new_serialno('hpccourse-diagram')}"
        svg = inline_svg(svg_path(source).read_text(encoding="utf-8"), uid, alt)
        node = diagram(svg=svg, alt=alt, align=self.options.get("align", "center"))
        node["drawing"], node["uid"] = str(svg_path(source)), uid
        self.set_source_info(node)
        return [node]

    def _warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="hpccourse", subtype="diagram")

    def _problem(self, message: str, alt: str = "") -> list[nodes.Node]:
        self._warn(message)
        node = diagram(svg="", alt=alt, align=self.options.get("align", "center"))
        self.set_source_info(node)
        return [node]


def visit_diagram_html(self: SphinxTranslator, node: diagram) -> None:
    """The inline SVG in a ``<figure>`` (the alt text alone when there is no SVG)."""
    align = node.get("align", "center")
    drawn: dict[str, str] = self.__dict__.setdefault("_hpccourse_drawn", {})
    first = drawn.get(node.get("drawing", ""))
    if node["svg"] and first:
        inner = reused_svg(node["svg"], first)
    elif node["svg"]:
        inner = node["svg"]
        if node.get("drawing"):
            drawn[node["drawing"]] = node["uid"]
    else:
        inner = f'<p class="diagram-missing">{self.encode(node["alt"])}</p>'
    self.body.append(f'<figure class="diagram align-{align}">{inner}</figure>\n')
    raise nodes.SkipNode


def skip_diagram(self: SphinxTranslator, node: diagram) -> None:
    """Other output formats leave the diagram out (its alt text is on the HTML page)."""
    raise nodes.SkipNode


def _add_css(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """The diagrams' stylesheet, on pages that show one."""
    if doctree is not None and doctree.next_node(diagram) is not None:
        app.add_css_file(DIAGRAM_CSS)


def setup(app: Sphinx) -> dict[str, Any]:
    """The ``mermaid`` directive, showing pre-rendered SVG; its stylesheet."""
    skip = (skip_diagram, None)
    app.add_node(
        diagram,
        html=(visit_diagram_html, None),
        latex=skip,
        text=skip,
        man=skip,
        texinfo=skip,
    )
    app.add_directive("mermaid", MermaidDiagram, override=True)
    app.connect("config-inited", serve_static(DIAGRAM_CSS))
    app.connect("html-page-context", _add_css)
    return {"version": "0.2.0", "parallel_read_safe": True, "parallel_write_safe": True}
