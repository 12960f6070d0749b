"""The teachers' page keeps up with the code it documents."""

from __future__ import annotations

import re
from pathlib import Path

from hpccourse.console.codes import RULES

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "teachers.rst").read_text(encoding="utf-8")


def test_every_consolecheck_code_is_explained() -> None:
    documented = set(re.findall(r"``(CC\d{3})``", PAGE))
    assert documented == set(RULES), (
        f"missing: {sorted(set(RULES) - documented)}, unknown: {sorted(documented - set(RULES))}"
    )


def test_every_make_target_it_names_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"``make ([\w-]+)", PAGE)):
        assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), target


def test_page_is_linked_from_the_landing_page() -> None:
    index = (ROOT / "index.rst").read_text(encoding="utf-8")
    assert re.search(r"^\.\. toctree::(\n   .*)*\n\n   teachers$", index, re.MULTILINE)
