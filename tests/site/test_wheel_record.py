"""Every pinned package of the course's steps has a wheel for the Python each exercise
loads and for the platform (glibc) of each cluster that runs it, as the committed wheel
record (wheels.lock.json) says: offline.

Which Python a step's pins are installed for is read from the built lessons, as a learner
meets them: per page and per cluster, the last ``module load`` before the step (a module
of the cluster's tree gives its Python, or the Python it ``needs``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hpccourse.lessonrun.wheelrecord import (
    Sessions,
    clusters_record,
    compatible_platforms,
    module_pythons,
    needs,
    problems,
)
from sitekit import BuiltSite

_LOAD = re.compile(r"^(?:\([\w.-]+\) )?\$ (?:module load|ml) (.+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def record_path(site_dir: Path) -> Path:
    return site_dir / "wheels.lock.json"


@pytest.fixture(scope="module")
def sessions(site: BuiltSite) -> Sessions:
    """(step, cluster) -> the Pythons loaded when the lessons reach that step there."""
    table = site.table
    found: dict[tuple[str, str], set[str]] = {}
    for docname in site.pages:
        loaded: dict[str, tuple[str, ...]] = {}
        for block in site.generated(docname):
            cluster = table.cluster(block["hpc_cluster"])
            for modules in _LOAD.findall(block.astext()):
                pythons = module_pythons(cluster, modules.split())
                if pythons:
                    loaded[cluster.key] = pythons
            if cluster.key in loaded:
                key = (block["hpc_step"], cluster.key)
                found.setdefault(key, set()).update(loaded[cluster.key])
    return {key: tuple(sorted(pythons)) for key, pythons in found.items()}


def test_every_pin_has_a_wheel_for_the_python_and_platform_its_exercise_uses(
    site: BuiltSite, record_path: Path, sessions: Sessions
) -> None:
    table = site.table
    pinned = needs(table, sessions)
    assert pinned, "the course pins no package: nothing to check"
    # Each pin's Pythons come from a lesson's module load, not from a default.
    assert all((n.step, n.cluster) in sessions for n in pinned), [
        (n.step, n.cluster) for n in pinned if (n.step, n.cluster) not in sessions
    ]
    assert problems(table, record_path, sessions) == []


def test_the_check_fails_when_the_record_lacks_a_needed_wheel(
    site: BuiltSite, record_path: Path, sessions: Sessions, tmp_path: Path
) -> None:
    need = needs(site.table, sessions)[0]
    data = json.loads(record_path.read_text(encoding="utf-8"))
    data["wheels"][need.pin][need.platform][need.pythons[0]] = None
    broken = tmp_path / "wheels.lock.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    found = problems(site.table, broken, sessions)
    assert any(f"{need.pin} has no wheel" in line and need.cluster in line for line in found)


def test_the_record_knows_each_clusters_python_and_platform_as_the_table_does(
    site: BuiltSite, record_path: Path
) -> None:
    recorded = json.loads(record_path.read_text(encoding="utf-8"))["clusters"]
    now = clusters_record(site.table)
    assert recorded, "the record names no cluster: run `make wheels-record`"
    # A cluster the record does not name yet is checked pin by pin (above): one added to
    # the table with a Python and platform the record covers needs no refresh.
    for key, entry in recorded.items():
        if key in now:
            assert entry == now[key], (key, "run `make wheels-record`")


def test_the_record_names_a_wheel_file_for_each_python_and_platform(record_path: Path) -> None:
    wheels = json.loads(record_path.read_text(encoding="utf-8"))["wheels"]
    for pin, by_platform in wheels.items():
        name, version = pin.split("==")
        for platform, by_python in by_platform.items():
            runs = set(compatible_platforms(platform))
            for python, wheel in by_python.items():
                if wheel is None:
                    continue
                where = (pin, platform, python, wheel)
                assert wheel.endswith(".whl"), where
                stem = wheel.removesuffix(".whl")
                assert stem.lower().startswith(f"{name.replace('-', '_')}-{version}-".lower())
                python_tag, _abi, platform_tags = stem.split("-")[-3:]
                tag = "cp" + python.replace(".", "")
                assert tag in python_tag.split(".") or "py3" in python_tag.split("."), where
                assert platform_tags == "any" or runs & set(platform_tags.split(".")), where


def test_a_newer_glibc_wheel_is_not_taken_for_an_older_platform() -> None:
    assert "manylinux_2_28_x86_64" not in compatible_platforms("manylinux2014_x86_64")
    assert "manylinux2014_x86_64" in compatible_platforms("manylinux_2_28_x86_64")
    assert "manylinux_2_17_x86_64" in compatible_platforms("manylinux_2_28_x86_64")
