"""``make livehtml``: the live preview rebuilds when a teacher edits the data table.

Runs the real Makefile target on a copy of the project (so the edit never
touches the working tree), on a free port of 127.0.0.1, and always stops it.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import systools
from sitekit import BuiltSite

ROOT = Path(__file__).resolve().parents[2]
NOT_COPIED = shutil.ignore_patterns(
    ".venv", ".git", "_build", "tests", "test-results", "node_modules", "__pycache__", ".*cache"
)
START_SECONDS = 180  # the first build of the whole site
REBUILD_SECONDS = 90
# What the teacher's edit appends to a one-command step the site shows.
EDIT = " --verbose"


@dataclass(frozen=True)
class Edit:
    """A one-line ``commands = ["..."]`` of the table that a page shows, and the edit."""

    page: str  # the page showing the step's commands
    before: str  # the table's line
    after: str  # the line after the teacher's edit
    shown: str  # the edited command, as the page shows it


def an_edit(site: BuiltSite) -> Edit:
    """The first step the site's pages use whose commands are one string on one line."""
    table = site.table
    lines = site.table_path.read_text(encoding="utf-8").splitlines()
    for docname in site.pages:
        for use in sorted(site.recorded_uses(docname)):
            if use[0] != "commands":
                continue
            step = table.steps[use[1]]
            line = lines[step.line_of("commands") - 1]
            match = re.fullmatch(r'commands = \["([^"{}]+)"\]', line)
            if match and lines.count(line) == 1:
                after = line.replace(f'{match.group(1)}"]', f'{match.group(1)}{EDIT}"]')
                return Edit(docname, line, after, match.group(1) + EDIT)
    pytest.fail("no step with a one-line command without placeholders to edit")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page's text as a reader sees it (no tags: highlighting splits commands
    into spans), or None while the server is not up or the page not built."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            page = response.read().decode("utf-8")
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
        return None  # not up, or the page read while the builder rewrites it (IncompleteRead)
    return html.unescape(re.sub(r"<[^>]*>", "", page))


def wait_for(url: str, wanted: str, seconds: float, log: Path) -> str:
    """Poll ``url`` until its text contains ``wanted``; fail with the server's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = fetch(url)
        if text is not None and wanted in text:
            return text
        time.sleep(0.5)
    pytest.fail(
        f"{url} did not show {wanted!r} within {seconds} s; make livehtml said:\n"
        + log.read_text(encoding="utf-8", errors="replace")[-3000:]
    )


@pytest.fixture
def project_copy(site_dir: Path, tmp_path: Path) -> Path:
    """The project's sources in tmp_path, using the real virtual environment."""
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy, ignore=NOT_COPIED)
    # .venv/bin is the real one; the stamp says it is installed, so make
    # goes straight to the target.
    (copy / ".venv").mkdir()
    for name in ("bin", "lib", "pyvenv.cfg"):  # `python -m` needs the venv's lib too
        (copy / ".venv" / name).symlink_to(ROOT / ".venv" / name)
    (copy / ".venv" / ".installed").touch()
    return copy


@pytest.fixture
def livehtml(project_copy: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``make livehtml`` running in the copy: its address and its log."""
    port = free_port()
    log = tmp_path / "livehtml.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["make", "-C", str(project_copy), "livehtml", f"LIVEHTML_PORT={port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make and its children
        )
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_livehtml_serves_the_site_and_rebuilds_after_a_data_table_edit(
    livehtml: tuple[str, Path], project_copy: Path, site: BuiltSite
) -> None:
    edit = an_edit(site)
    url, log = livehtml
    page = f"{url}/{edit.page}.html"
    first = wait_for(page, edit.shown.removesuffix(EDIT), START_SECONDS, log)
    assert edit.shown not in first

    table = project_copy / site.table_path.relative_to(site.srcdir)
    text = table.read_text(encoding="utf-8")
    assert text.count(edit.before) == 1
    table.write_text(text.replace(edit.before, edit.after), encoding="utf-8")

    wait_for(page, edit.shown, REBUILD_SECONDS, log)


def test_livehtml_redraws_a_saved_diagram(
    livehtml: tuple[str, Path], project_copy: Path, site: BuiltSite
) -> None:
    """A teacher saves a .mmd: the preview draws its SVG anew (make diagrams' renderer
    runs before each rebuild) and the page shows the new label."""
    systools.require_in_test("livehtml's diagrams", "chromium")
    page, source = next(
        (docname, use[0])
        for docname in site.pages
        for use in [site.uses(docname, "mermaid")]
        if use
    )
    mmd = project_copy / source.lstrip("/")
    text = mmd.read_text(encoding="utf-8")
    label = re.search(r"^\s*\w+\[\"?([^\]\"]+)\"?\]\s*$", text, re.MULTILINE)
    assert label is not None, f"no node label in {source}"
    url, log = livehtml
    first = wait_for(f"{url}/{page}.html", label.group(1).split()[0], START_SECONDS, log)
    assert "Redrawn" not in first
    mmd.write_text(text.replace(label.group(0), label.group(0).replace(label.group(1), "Redrawn")))
    wait_for(f"{url}/{page}.html", "Redrawn", REBUILD_SECONDS, log)
