"""The spelling gate catches planted typos, with file and line, and skips literals."""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import spellcheck  # noqa: E402  (tools/ is no package)


def project_spelling_settings() -> dict[str, Any]:
    """The site's own `spelling_*` settings from conf.py, word list made absolute."""
    namespace = runpy.run_path(str(ROOT / "conf.py"))
    settings = {k: v for k, v in namespace.items() if k.startswith("spelling_")}
    settings["spelling_word_list_filename"] = str(ROOT / settings["spelling_word_list_filename"])
    return settings


def require_dictionary() -> None:
    """Skip without a dictionary, as the gate does; under CI=true fail instead."""
    problem = spellcheck.dictionary_problem()
    if problem is None:
        return
    if spellcheck.in_ci():
        pytest.fail(f"{problem}\n{spellcheck.INSTALL_HINT}")
    pytest.skip(f"{problem}. {spellcheck.INSTALL_HINT}")


@pytest.fixture
def spelling_app(make_app, rootdir, sphinx_test_tempdir):
    """The test-spelling testroot, built by `spelling` with the project's settings."""
    require_dictionary()
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


@pytest.mark.parametrize(("ci", "status", "verdict"), [("", 0, "SKIPPED"), ("true", 1, "FAILED")])
def test_gate_without_enchant_says_how_to_install_and_skips_except_in_ci(
    ci: str, status: int, verdict: str, tmp_path: Path
) -> None:
    env = {**os.environ, "CI": ci, "PYENCHANT_LIBRARY_PATH": os.devnull}  # no C library
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "spellcheck.py"), str(ROOT), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == status
    assert "apt-get install -y libenchant-2-2 hunspell-en-us" in done.stderr
    assert f"spelling: {verdict}" in done.stderr
    assert "Traceback" not in done.stderr
