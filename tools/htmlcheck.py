"""Valid-HTML gate: the Nu Html Checker (vnu.jar) over every page of the built site.

`--fetch` puts vnu.jar (npm package `vnu-jar`, pinned below with its tarball's
sha256) in a cache under .venv; the jar is 30 MB and never committed. Checking
runs it with the machine's Java (`java -jar`), keeps errors and warnings (not
plain notes) and drops only the findings in KNOWN_FINDINGS, each of which says
where it comes from and why this site cannot fix it. Exit status 1 when any
finding is left, with `file:line:column: message` for each.

npm (to fetch) and Java (to check) are system tools under the policy of
tools/systools.py: missing, the step is skipped with one line saying how to
install it; under CI=true it fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import systools

ROOT = Path(__file__).resolve().parent.parent
VNU_VERSION = "26.9.27"
# sha256 of `npm pack vnu-jar@26.9.27` and of the vnu.jar inside it.
VNU_TARBALL_SHA256 = "5970d3ffca91a627cf0965e5d91bb2e4242307c29292998de0b419d6a901b2b7"
VNU_JAR_SHA256 = "22f15dd39a33bed929d2a5c0cddf5946849a647eca9272bf4d5d00bc7e7a4d47"
DEFAULT_JAR = ROOT / ".venv" / f"vnu-jar-{VNU_VERSION}" / "vnu.jar"


@dataclass(frozen=True)
class Known:
    """A finding this site cannot fix: message and extract patterns, and why."""

    message: str  # regular expression, searched in the checker's message
    extract: str  # regular expression, searched in the offending markup (its lines)
    why: str


KNOWN_FINDINGS = [
    # sphinx_rtd_theme 3.1.0: the content wrapper is a <section> with no heading.
    Known(
        r"^Section lacks heading",
        r'class="wy-nav-content-wrap"',
        "sphinx_rtd_theme's page wrapper",
    ),
    # sphinx_rtd_theme 3.1.0 sets the permalink icon to Font Awesome's U+F0C1,
    # a Private Use Area character, drawn by the theme's icon font.
    Known(
        r"Unicode Private Use Area",
        "\uf0c1",
        "sphinx_rtd_theme's permalink icon",
    ),
    # Sphinx 9's HTML5 writer starts each page's <section> with an <h1>.
    Known(
        r"Consider using the “h1” element as a top-level heading only",
        r"<h1>",
        "Sphinx's section headings",
    ),
    # sphinx-tabs 3.5.0's HTML visitor copies node attributes verbatim: its
    # panels get name="..." and hidden="true" (browsers read any value of
    # `hidden` as hidden, and ignore the name). Fixable only by overriding
    # sphinx-tabs' visitors.
    Known(
        r"Attribute “name” not allowed on element “div”",
        r'class="sphinx-tabs-panel[ "]',
        "sphinx-tabs' panel markup",
    ),
    Known(
        r"Bad value “true” for attribute “hidden” on element “div”",
        r'class="sphinx-tabs-panel[ "]',
        "sphinx-tabs' panel markup",
    ),
    # An inline diagram's <style> carries class="nohighlight" so that sphinx_highlight.js
    # leaves its CSS text alone after a search (it would call getBBox() on the <style>:
    # hpccourse.html.diagramsvg). SVG 2 gives every element the core attribute `class`;
    # vnu's SVG schema is SVG 1.1's, where <style> takes only id, type, media and title.
    Known(
        r"^Attribute “class” not allowed on element “style” at this point",
        r'<style class="nohighlight">',
        "vnu's SVG 1.1 schema: class on an SVG <style> (an SVG 2 core attribute)",
    ),
    # vnu checks each page as a file: URL, whose origin is opaque, so it finds that no
    # file of the site's own matches the CSP's 'self' (a browser does: the page loads
    # them, tests/site/browser/test_browser_csp.py). Relative addresses only: a file
    # from another host is still reported.
    Known(
        r"^Resource violates Content Security Policy \(meta tag\)",
        r'(src|href)="(?![a-z][\w+.-]*:|//)[^"]+"',
        "vnu's file: origin against the policy's 'self'",
    ),
    # vnu does not compute the SHA-256 sources the policy lists for each inline script
    # (hpccourse.html.csp does, from the page as written; the browser test checks that
    # chromium runs every one).
    Known(
        r"^Inline script violates Content Security Policy \(meta tag\)",
        r"<script\b(?![^>]*\bsrc=)",
        "vnu's checker ignores the policy's script hashes",
    ),
]


@dataclass(frozen=True)
class Finding:
    """One message of the checker that counts (an error or a warning)."""

    path: str
    line: int
    column: int
    message: str
    extract: str  # the checker's excerpt and the page's lines around the finding

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CheckError(Exception):
    """The gate could not do its work (npm pack or vnu.jar failed): an error, no traceback."""


def has_jar(jar: Path = DEFAULT_JAR) -> bool:
    """Whether the pinned vnu.jar is at `jar` already."""
    return jar.exists() and sha256(jar) == VNU_JAR_SHA256


def fetch(jar: Path = DEFAULT_JAR, npm: str = "npm") -> Path:
    """Put the pinned vnu.jar at `jar` (npm pack, checksums checked); return it."""
    if has_jar(jar):
        return jar
    with tempfile.TemporaryDirectory() as tmp:
        command = [npm, "pack", "--silent", f"vnu-jar@{VNU_VERSION}", "--pack-destination", tmp]
        done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            raise CheckError(f"`npm pack vnu-jar@{VNU_VERSION}` failed (exit {done.returncode})")
        tarball = Path(tmp) / f"vnu-jar-{VNU_VERSION}.tgz"
        if sha256(tarball) != VNU_TARBALL_SHA256:
            raise SystemExit(f"htmlcheck: {tarball.name} does not match its pinned sha256")
        with tarfile.open(tarball) as tar:
            tar.extract("package/build/dist/vnu.jar", tmp, filter="data")
        unpacked = Path(tmp) / "package" / "build" / "dist" / "vnu.jar"
        if sha256(unpacked) != VNU_JAR_SHA256:
            raise SystemExit("htmlcheck: vnu.jar does not match its pinned sha256")
        jar.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(unpacked, jar)
    return jar


def validate(paths: list[Path], jar: Path = DEFAULT_JAR, java: str = "java") -> list[Finding]:
    """Every error and warning vnu.jar gives for the HTML files under `paths`."""
    done = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--skip-non-html", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        messages = json.loads(done.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        raise CheckError(f"vnu.jar gave no report:\n{done.stdout}{done.stderr}") from None
    findings = []
    for msg in messages:
        if msg["type"] == "info" and msg.get("subType") != "warning":
            continue  # plain notes, e.g. "Trailing slash on void elements"
        path = msg.get("url", "").removeprefix("file:")
        last = msg.get("lastLine", 0)
        first = msg.get("firstLine", last)
        findings.append(
            Finding(
                path=os.path.relpath(path) if path.startswith("/") else path,
                line=last,
                column=msg.get("firstColumn", 0),
                message=msg["message"],
                extract=msg.get("extract", "") + "\n" + _lines(path, first, last),
            )
        )
    return findings


def _lines(path: str, first: int, last: int) -> str:
    """Lines `first`..`last` (1-based) of the page, or "" when unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(text[max(first - 1, 0) : last])


def known(finding: Finding) -> Known | None:
    """The KNOWN_FINDINGS entry that excuses `finding`, if any."""
    for entry in KNOWN_FINDINGS:
        if re.search(entry.message, finding.message) and re.search(entry.extract, finding.extract):
            return entry
    return None


def main(argv: list[str]) -> int:
    """Fetch the jar, or check the built site (or the given paths)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("_build/html")])
    parser.add_argument("--jar", type=Path, default=DEFAULT_JAR)
    parser.add_argument("--fetch", action="store_true", help="only fetch vnu.jar")
    args = parser.parse_args(argv)
    try:
        return fetch_jar(args.jar) if args.fetch else check(args.paths, args.jar)
    except CheckError as error:
        print(f"htmlcheck: {error}", file=sys.stderr)
        return 1


def fetch_jar(jar: Path) -> int:
    """`--fetch`: the jar, from npm unless it is there already (npm missing: skipped)."""
    if not has_jar(jar):
        status = systools.gate("vnu", "npm")
        if status is not None:
            return status
        fetch(jar, systools.TOOLS["npm"].probe().path or "npm")
    print(f"htmlcheck: {jar} (vnu-jar {VNU_VERSION})")
    return 0


def check(paths: list[Path], jar: Path) -> int:
    """Check `paths` with vnu.jar (Java, or the npm that fetches the jar, missing: skipped)."""
    status = systools.gate("htmlcheck", *(["java"] if jar.exists() else ["npm", "java"]))
    if status is not None:
        return status
    if not jar.exists():
        print(f"htmlcheck: {jar} is missing: run `make vnu`", file=sys.stderr)
        return 2
    for path in paths:
        if not path.exists():
            print(f"htmlcheck: {path} does not exist (build the site first)", file=sys.stderr)
            return 2
    java = systools.TOOLS["java"].probe().path or "java"
    findings = validate(paths, jar, java)
    left = [finding for finding in findings if known(finding) is None]
    for finding in left:
        print(finding, file=sys.stderr)
    excused = len(findings) - len(left)
    print(
        f"htmlcheck: {len(left)} problem(s); {excused} known finding(s) filtered "
        "(theme, tabs, vnu's CSP limits)"
    )
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
