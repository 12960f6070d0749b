"""``python -m hpccourse.html.diagramrender``: render Mermaid sources to SVG in a browser.

Run by ``make diagrams`` (and before each rebuild of ``make livehtml``), never by the
build: the vendored Mermaid (the package's own copy, unless ``--mermaid`` names another)
draws each ``FOLDER/NAME.mmd`` in headless chromium (through Playwright, Debian's
chromium, no downloaded browser) into ``FOLDER/NAME.svg``, stamped
with its source's checksum (:mod:`.diagramsvg`). Only missing or stale SVGs are drawn
(``--all`` redraws every one); when none is, no browser starts, so the check is cheap.

Labels are SVG text (``htmlLabels: false``), not HTML in ``<foreignObject>``: the SVG
then shows, prints and scales without a script and without HTML inside it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .diagramsvg import RENDER_ID, Status, source_digest, stamp, status, svg_path

#: Mermaid's settings for every diagram. SVG text labels; a font size and spacing that
#: keep text readable when the SVG is narrowed to a phone's width.
MERMAID_CONFIG = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "theme": "default",
    "htmlLabels": False,
    "fontFamily": "Arial, Helvetica, sans-serif",
    "flowchart": {
        "htmlLabels": False,
        "useMaxWidth": True,
        "nodeSpacing": 30,
        "rankSpacing": 40,
        "padding": 8,
        "wrappingWidth": 150,
    },
}


#: The copy of Mermaid the package ships (``make mermaid`` refreshes it), served to no page.
PACKAGED_MERMAID = Path(__file__).parent / "static" / "mermaid" / "mermaid.min.js"


def sources(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.mmd"))


def chromium_path() -> str:
    """``$CHROMIUM``, else ``chromium`` on ``PATH`` (as tools/systools.py finds it); else a
    line, starting ``diagrams:``, saying how to install it."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    return found or (
        "diagrams: no chromium to render with (Debian: apt-get install chromium; "
        "or set CHROMIUM=/path/to/chromium)"
    )


def render(todo: Sequence[Path], mermaid_js: Path, chromium: str) -> list[str]:
    """Draw each source of ``todo`` into its SVG, in one browser; the problems, one line
    each (a source Mermaid cannot draw keeps its old SVG, if any)."""
    from playwright.sync_api import Error, sync_playwright  # only when there is work

    problems = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.set_content("<!DOCTYPE html><html><head></head><body></body></html>")
            page.add_script_tag(path=str(mermaid_js))
            page.evaluate("config => window.mermaid.initialize(config)", MERMAID_CONFIG)
            for source in todo:
                text = source.read_text(encoding="utf-8")
                try:
                    svg = page.evaluate(
                        "async ([id, text]) => (await window.mermaid.render(id, text)).svg",
                        [RENDER_ID, text],
                    )
                except Error as error:
                    said = [
                        line
                        for line in str(error).split("Call log:")[0].strip().splitlines()
                        if not line.strip().startswith("at ")
                    ]
                    message = "\n    ".join(said).removeprefix("Page.evaluate: Error: ")
                    problems.append(f"diagrams: {source}: mermaid cannot draw it: {message}")
                    continue
                target = svg_path(source)
                target.write_text(stamp(svg, source_digest(text)) + "\n", encoding="utf-8")
                print(f"diagrams: rendered {target}")
        finally:
            browser.close()
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hpccourse.html.diagramrender")
    parser.add_argument("folder", type=Path, help="the folder of NAME.mmd sources")
    parser.add_argument(
        "--mermaid",
        type=Path,
        default=PACKAGED_MERMAID,
        help="mermaid.min.js to draw with (default: the copy this package ships)",
    )
    parser.add_argument("--all", action="store_true", help="redraw every SVG, not only stale")
    parser.add_argument("--check", action="store_true", help="draw nothing; fail when stale")
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="print problems but exit 0 (the live preview: the build then warns of the SVG)",
    )
    args = parser.parse_args(argv)
    found = sources(args.folder)
    todo = [s for s in found if args.all or status(s) is not Status.CURRENT]
    if args.check:
        for source in todo:
            print(f"diagrams: {svg_path(source)} is {status(source).value}: run `make diagrams`")
        return 1 if todo else 0
    if not todo:
        return 0
    chromium = chromium_path()
    problems = [chromium] if chromium.startswith("diagrams:") else []
    if not problems:
        problems = render(todo, args.mermaid, chromium)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems and not args.keep_going else 0


if __name__ == "__main__":
    sys.exit(main())
