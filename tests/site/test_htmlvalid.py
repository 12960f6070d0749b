"""The valid-HTML gate (tools/htmlcheck.py, vnu.jar) reports planted invalid markup."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import htmlcheck  # noqa: E402  (tools/ is no package)
import systools  # noqa: E402

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
{body}
</body>
</html>
"""
PAGES = {
    "valid.html": PAGE.format(title="Valid", body="<p>Fine.</p>"),
    "invalid.html": PAGE.format(
        title="Invalid",
        body='<p>One</p>\n<img src="x.png">\n<span><div>block in inline</div></span>\n</p>',
    ),
    # Looks like a known sphinx-tabs finding, but is not a tab panel: reported.
    "named-div.html": PAGE.format(title="Named", body='<div class="box" name="x">Box</div>'),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A folder of planted pages; Java and vnu.jar must be there (`make vnu`)."""
    systools.require_in_test("htmlcheck", "java")
    if not htmlcheck.DEFAULT_JAR.exists():
        systools.require_in_test("htmlcheck", "npm")
        systools.not_run_test("htmlcheck", f"{htmlcheck.DEFAULT_JAR} is missing: run `make vnu`")
    folder = tmp_path_factory.mktemp("site")
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def report(site: Path) -> tuple[int, str]:
    """The gate's exit status and report over the planted pages."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "htmlcheck.py"), str(site)],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_planted_invalid_page_is_reported_with_line(report) -> None:
    status, text = report
    assert status == 1
    assert "invalid.html:6:1: An “img” element must have an “alt” attribute" in text
    assert "invalid.html:7:7: Element “div” not allowed as child of element “span”" in text
    assert "invalid.html:8:1: No “p” element in scope but a “p” end tag seen." in text


def test_valid_page_gives_nothing(report) -> None:
    assert "valid.html:" not in report[1].replace("invalid.html:", "")


def test_known_findings_filter_only_their_own_markup(report) -> None:
    assert "named-div.html:5:" in report[1]
    assert "Attribute “name” not allowed on element “div”" in report[1]


def test_pinned_jar_matches_its_checksum(site: Path) -> None:
    assert htmlcheck.sha256(htmlcheck.DEFAULT_JAR) == htmlcheck.VNU_JAR_SHA256


def test_every_known_finding_says_why() -> None:
    for entry in htmlcheck.KNOWN_FINDINGS:
        assert entry.message and entry.extract and entry.why
