"""The page reuse.rst shows the outside course's files as they are.

That course (tests/ext/outside-project/) is what tests/ext/test_package.py builds from
the wheel; the page copies its files inline, since the site's build reads nothing from
tests/. These tests keep the two the same.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "reuse.rst").read_text(encoding="utf-8")
OUTSIDE = ROOT / "tests" / "ext" / "outside-project"
BLOCK = re.compile(r"^\.\. code-block:: (\w+)\n\n((?:(?:   .*)?\n)+)", re.MULTILINE)


def blocks(language: str) -> list[str]:
    """The page's code blocks in ``language``, dedented, with one final newline."""
    return [
        textwrap.dedent(body).strip("\n") + "\n"
        for lang, body in BLOCK.findall(PAGE)
        if lang == language
    ]


def outside(name: str) -> str:
    return (OUTSIDE / name).read_text(encoding="utf-8")


def test_the_page_shows_the_outside_conf_py_from_its_first_setting() -> None:
    conf = outside("conf.py")
    first_setting = re.search(r"^project = ", conf, re.MULTILINE)
    assert first_setting is not None
    assert blocks("python") == [conf[first_setting.start() :]]
    assert 'extensions = ["hpccourse"' in blocks("python")[0]


def test_the_page_shows_the_outside_table_and_stand_ins() -> None:
    assert blocks("toml") == [outside("clusters.toml"), outside("standins.toml")]


def test_the_page_shows_the_outside_exercise() -> None:
    page = outside("index.rst")
    exercise = page[page.index("Exercise 1") : page.index("The same on every cluster")]
    assert blocks("rst") == [exercise.strip("\n") + "\n"]
    assert ".. cluster-commands::" in exercise


def test_the_commands_shown_are_the_outside_makefile_targets() -> None:
    done = subprocess.run(
        ["make", "-s", "-n", "test"], cwd=OUTSIDE, capture_output=True, text=True, check=True
    )
    (console,) = blocks("console")[1:]  # the first installs the package
    shown = [line.removeprefix("$ ") for line in console.splitlines()]
    assert shown == done.stdout.splitlines()


def test_the_page_is_for_teachers_after_the_teachers_page() -> None:
    index = (ROOT / "index.rst").read_text(encoding="utf-8")
    group = re.search(
        r"^\.\. toctree::\n   :caption: For teachers\n\n((?:   \S.*\n)+)", index, re.M
    )
    assert group is not None
    assert group.group(1).split() == ["teachers", "reuse"]
    lessons = index.index(":caption: Lessons")
    assert lessons < group.start()
