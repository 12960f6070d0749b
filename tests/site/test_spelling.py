"""The spelling gate catches planted typos, with file and line, and skips literals."""

from __future__ import annotations

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


def test_the_gate_knows_the_tables_names_and_module_names(tmp_path: Path) -> None:
    import spellcheck

    table = tmp_path / "clusters.toml"
    table.write_text(
        '[clusters.b]\nlabel = "Borealis"\ncluster = "Qvarnholm"\n'
        '[clusters.b.modules]\npython = ["Python/3.12.3-GCCcore-13.3.0"]\n'
        "[clusters.b.managers]\n",
        encoding="utf-8",
    )
    words = spellcheck.table_words(table)
    assert {"Borealis", "Qvarnholm", "GCCcore", "Python"} <= set(words)
    assert spellcheck.words_of("HPC2N") == ["HPC2N", "HPC", "N"]


def test_the_site_passes_the_spelling_gate(site_dir: Path, tmp_path: Path) -> None:
    """The gate as `make spelling` runs it, on this course (or a copy with one more
    cluster, from tests/site/test_follows_the_data.py: its name is no word list's)."""
    systools.require_in_test("spelling", "enchant")
    command = [sys.executable, str(ROOT / "tools" / "spellcheck.py"), "-q", "-W", "--keep-going"]
    command += ["-d", str(tmp_path / "doctrees"), str(site_dir), str(tmp_path / "spelling")]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
