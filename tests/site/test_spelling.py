"""The spelling gate catches planted typos, with file and line, and skips literals."""

from __future__ import annotations

import re
import runpy
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import systools  # noqa: E402  (tools/ is no package)


def project_spelling_settings() -> dict[str, Any]:
    """The site's own `spelling_*` settings from conf.py, word list made absolute."""
    namespace = runpy.run_path(str(ROOT / "conf.py"))
    settings = {k: v for k, v in namespace.items() if k.startswith("spelling_")}
    settings["spelling_word_list_filename"] = str(ROOT / settings["spelling_word_list_filename"])
    return settings


@pytest.fixture
def spelling_app(make_app, rootdir, sphinx_test_tempdir):
    """The test-spelling testroot, built by `spelling` with the project's settings."""
    systools.require_in_test("spelling", "enchant")  # as the gate: skipped, or failed in CI
    srcdir = sphinx_test_tempdir / "spelling"
    if not srcdir.exists():
        shutil.copytree(rootdir / "test-spelling", srcdir)
    app = make_app("spelling", srcdir=srcdir, confoverrides=project_spelling_settings())
    app.build()
    return app


def reported(app) -> list[tuple[str, int, str]]:
    """(file name, line, word) of each misspelling warning."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())  # no colours
    found = re.findall(r"(\S+\.rst):(\d+): : Spell check: (\S+?):", text)
    return [(Path(path).name, int(line), word) for path, line, word in found]


def test_planted_typos_are_reported_with_file_and_line(spelling_app) -> None:
    found = reported(spelling_app)
    assert ("index.rst", 6, "deactive") in found
    assert ("index.rst", 8, "UPPAX") in found  # in a link's text, and all capitals


def test_literal_text_and_project_words_are_not_checked(spelling_app) -> None:
    words = [word for _, _, word in reported(spelling_app)]
    assert sorted(words) == ["UPPAX", "deactive"]  # not Rackham, nor any literal
    assert "Found 2 misspelled words" in spelling_app.warning.getvalue()


def test_project_word_list_is_sorted_and_has_no_duplicates() -> None:
    words = (ROOT / "spelling_wordlist.txt").read_text(encoding="utf-8").split()
    assert words == sorted(set(words), key=lambda w: (w.lower(), w))
