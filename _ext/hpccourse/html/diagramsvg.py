"""Pre-rendered diagram SVGs: their source checksum, and how a page inlines them (no Sphinx).

``make diagrams`` renders each ``diagrams/NAME.mmd`` to ``diagrams/NAME.svg`` once, in a
browser (:mod:`.diagramrender`); the SVG records the SHA-256 of the source it was drawn
from in its root's ``data-source-sha256``, so a build (and a test) can tell a current SVG
from a stale one without a browser. Every SVG is drawn with one id, :data:`RENDER_ID`,
which :func:`inline_svg` replaces with one unique per occurrence, so that a page may show
the same diagram twice with valid, distinct ids.
"""

from __future__ import annotations

import hashlib
import html
import re
from enum import Enum
from pathlib import Path

#: The id every diagram is rendered with (mermaid prefixes its markers, nodes and CSS with it).
RENDER_ID = "hpccourse-diagram"
_DIGEST_ATTR = "data-source-sha256"
_ROOT = re.compile(r"<svg\b[^>]*>")
_STYLE = re.compile(r"<style(?=>)")
#: The class sphinx_highlight.js skips: after a search it wraps matched words of a text
#: in a highlight, and calls getBBox() on an SVG text's parent, which <title>, <desc> and
#: <style> do not have ("parent.getBBox is not a function").
NO_HIGHLIGHT = "nohighlight"
_ATTR = re.compile(r'\s([\w:-]+)="([^"]*)"')


class Status(Enum):
    """How a diagram's committed SVG stands to its source."""

    CURRENT = "current"
    MISSING = "missing"
    STALE = "stale"


def source_digest(source: str) -> str:
    """SHA-256 of a diagram's source text (line endings normalised)."""
    text = source.replace("\r\n", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def svg_path(source: Path) -> Path:
    """``diagrams/NAME.mmd`` -> ``diagrams/NAME.svg``."""
    return source.with_suffix(".svg")


def _root_attrs(svg: str) -> dict[str, str]:
    match = _ROOT.search(svg)
    return dict(_ATTR.findall(match[0])) if match else {}


def recorded_digest(svg: str) -> str | None:
    """The source checksum an SVG was rendered from, or None."""
    return _root_attrs(svg).get(_DIGEST_ATTR)


def stamp(svg: str, digest: str) -> str:
    """The SVG with ``digest`` recorded on its root element."""
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("not an SVG: no <svg> element")
    root = re.sub(rf'\s{_DIGEST_ATTR}="[^"]*"', "", match[0])
    root = root[:-1].rstrip("/").rstrip() + f' {_DIGEST_ATTR}="{digest}">'
    if match[0].endswith("/>"):
        root = root[:-1] + "/>"
    return svg[: match.start()] + root + svg[match.end() :]


def status(source: Path) -> Status:
    """Whether ``source``'s SVG exists and was rendered from its current text."""
    target = svg_path(source)
    if not target.is_file():
        return Status.MISSING
    digest = recorded_digest(target.read_text(encoding="utf-8"))
    current = source_digest(source.read_text(encoding="utf-8"))
    return Status.CURRENT if digest == current else Status.STALE


def first_sentence(text: str) -> str:
    """The alt text's first sentence: the diagram's short title (a number's dot, as in
    "1. Load modules", ends no sentence)."""
    match = re.match(r"(.*?[^\d\s][.!?])(\s|$)", text.strip(), re.DOTALL)
    return (match[1] if match else text).strip()


def _own_ids(svg: str, uid: str) -> str:
    """Every id of the SVG (mermaid leaves node and edge ids unprefixed) and every
    reference to one (``url(#ID)``, ``href="#ID"``) prefixed with ``uid``."""
    ids = {i for i in re.findall(r'\sid="([^"]+)"', svg) if not i.startswith(uid)}
    if not ids:
        return svg
    names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    svg = re.sub(rf'(\sid=")({names})"', rf'\1{uid}-\2"', svg)
    return re.sub(rf'(url\(#|href="#)({names})([)"])', rf"\1{uid}-\2\3", svg)


def inline_svg(svg: str, uid: str, alt: str) -> str:
    """The SVG as a page shows it: ids made unique with ``uid``, an image to assistive
    technology (``role="img"``) named by a ``<title>`` (the alt text's first sentence) and
    described by a ``<desc>`` (the whole alt text), scaling with its column
    (``width="100%"``, ``viewBox`` kept, no fixed height)."""
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg).strip()
    svg = _own_ids(svg.replace(RENDER_ID, uid), uid)
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("not an SVG: no <svg> element")
    attrs = _root_attrs(svg)
    for name in ("role", "aria-roledescription", "aria-labelledby", "aria-describedby", "height"):
        attrs.pop(name, None)
    attrs.pop(_DIGEST_ATTR, None)
    attrs.update(
        {
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{uid}-title",
            "aria-describedby": f"{uid}-desc",
            "focusable": "false",
        }
    )
    root = "<svg" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">"
    alt = " ".join(alt.split())
    label = (
        f'<title id="{uid}-title" class="{NO_HIGHLIGHT}">{html.escape(first_sentence(alt))}'
        f'</title><desc id="{uid}-desc" class="{NO_HIGHLIGHT}">{html.escape(alt)}</desc>'
    )
    body = _STYLE.sub(f'<style class="{NO_HIGHLIGHT}"', svg[match.end() :])
    return svg[: match.start()] + root + label + body


def reused_svg(inline: str, first: str) -> str:
    """A diagram shown again on a page: the root and the labels of ``inline`` (made by
    :func:`inline_svg`) around a ``<use>`` of the same diagram's first ``<svg>`` (id
    ``first``), so the page holds its drawing once."""
    match = _ROOT.search(inline)
    if match is None:
        raise ValueError("not an SVG: no <svg> element")
    labels = re.search(r"<title\b.*?</desc>", inline[match.end() :], re.S)
    return f'{match[0]}{labels[0] if labels else ""}<use href="#{first}"/></svg>'
