"""The page reuse.rst tells what `hpccourse init` does, as it does it.

tests/ext/test_package.py runs the page's commands as written (from the wheel, in a
fresh folder); these tests keep its description of the new course true.
"""

from __future__ import annotations

import re
from pathlib import Path

from hpccourse.scaffold import TEMPLATES, Options, destinations

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "reuse.rst").read_text(encoding="utf-8")


def section(title: str) -> str:
    return PAGE.split(f"{title}\n{'-' * len(title)}\n", 1)[1].split("\n----", 1)[0]


def test_the_page_names_every_file_init_writes() -> None:
    files = {f for myst in (False, True) for f in destinations(Options("x", myst)).values()}
    shown = set(re.findall(r"``([\w./-]+)``", section("Start a course")))
    missing = sorted(f for f in files if f not in shown and f.split("/")[-1] not in shown)
    assert not missing, f"reuse.rst does not name {missing}"


def test_the_two_files_to_edit_are_files_init_writes() -> None:
    edited = re.findall(r"^``([\w.]+)``$", section("Edit these two files"), re.MULTILINE)
    assert len(edited) == 2
    assert set(edited) <= set(destinations(Options("x")).values())


def test_every_make_target_the_page_names_is_in_the_new_course_makefile() -> None:
    makefile = (TEMPLATES / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"``make ([\w-]+)``", PAGE))
    assert {"check", "test", "livehtml"} <= targets
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_the_page_is_for_teachers_after_the_teachers_page() -> None:
    index = (ROOT / "index.rst").read_text(encoding="utf-8")
    group = re.search(
        r"^\.\. toctree::\n   :caption: For teachers\n\n((?:   \S.*\n)+)", index, re.M
    )
    assert group is not None
    assert group.group(1).split() == ["teachers", "reuse"]
    lessons = index.index(":caption: Lessons")
    assert lessons < group.start()
