"""The site's environment: a hash-checked lock of third-party packages, then hpccourse.

requirements.txt is compiled (`make lock`) from requirements.in and the package's
dependencies in pyproject.toml; `make venv` installs it with --require-hashes and then
this repository's package editable, without dependencies.
"""

from __future__ import annotations

import json
import re
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def locked() -> dict[str, tuple[str, list[str]]]:
    """requirements.txt: canonical name -> (pinned version, its options: the hashes)."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8").replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()  # a hash holds no '#'
        if not line:
            continue
        requirement, *options = line.split()
        name, _, version = requirement.partition("==")
        assert version, f"not pinned with ==: {line!r}"
        pins[canonicalize_name(name)] = (version, options)
    return pins


LOCKED = locked()


def input_names() -> list[str]:
    lines = (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines()
    found = (line.split("#")[0].strip() for line in lines)
    return [Requirement(text).name for text in found if text]  # "pytest<9.2": pytest


def package_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {}).values()
    return [Requirement(r) for r in project["dependencies"] + [r for e in extras for r in e]]


def test_every_pin_carries_hashes() -> None:
    assert LOCKED
    for name, (_version, options) in LOCKED.items():
        assert options, f"{name}: no hash"
        assert all(HASH.fullmatch(o) for o in options), f"{name}: every option must be a hash"


def test_the_lock_holds_no_local_or_editable_requirement() -> None:
    """A local package cannot be hashed: the package goes in after the lock."""
    assert canonicalize_name("sphinx-hpccourse") not in LOCKED
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(-e|--editable|\.|file:)", text, re.MULTILINE)


@pytest.mark.parametrize("requirement", package_requirements(), ids=str)
def test_the_lock_satisfies_the_package_requirement(requirement: Requirement) -> None:
    version, _ = LOCKED[canonicalize_name(requirement.name)]
    assert requirement.specifier.contains(version), f"{requirement.name}=={version}"


def test_the_lock_holds_every_tool_of_requirements_in() -> None:
    names = input_names()
    assert "pytest" in names
    for name in names:
        assert canonicalize_name(name) in LOCKED, f"{name}: run `make lock`"


def test_the_environment_is_the_lock() -> None:
    """`make venv` installed each pinned version (the tests run in that environment)."""
    for name, (version, _) in LOCKED.items():
        assert metadata.version(name) == version, f"{name}: .venv is not requirements.txt"


def test_hpccourse_is_this_tree_installed_editable() -> None:
    # The install's own record in site-packages (not the egg-info the editable build
    # leaves in _ext/, found first when a test has put _ext on sys.path).
    site_packages = sysconfig.get_paths()["purelib"]
    (dist,) = metadata.distributions(name="sphinx-hpccourse", path=[site_packages])
    direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
    assert direct_url.get("dir_info", {}).get("editable") is True
    assert Path(direct_url["url"].removeprefix("file://")).resolve() == ROOT


def test_make_venv_installs_the_lock_with_hashes_then_the_package() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert rule is not None
    prerequisites, recipe = rule.group(1).split(), rule.group(2)
    assert {"requirements.txt", "pyproject.toml"} <= set(prerequisites)
    lock = recipe.index("--require-hashes -r requirements.txt")
    package = recipe.index("--no-deps --no-build-isolation -e .")
    assert lock < package
