"""The wheel record: which pinned packages of the lessons' steps have a wheel for which
cluster, that is for its Python AND its platform (no Sphinx).

A pin (``NAME==VERSION``, in a ``pip install`` or a requirements file a step writes) with
no wheel for the cluster's Python, or only wheels for a newer glibc than the cluster's
(a ``manylinux_2_28`` wheel on a glibc 2.17 system), makes pip build it from source:
slow, and on a cluster without the build's dependencies, a failure. A cluster's Pythons
are those its module sets load (a module tree's ``python``, through ``needs`` too); its
platform is its ``platform`` fact (a manylinux tag; :data:`DEFAULT_PLATFORM` without one).

``python -m hpccourse.lessonrun.wheelrecord --refresh`` (``make wheels-record``, and the
weekly workflow) asks the package index, through pip, for each pin and each Python of
each cluster that runs the step, on that cluster's platform, wheels only, and writes the
answers and each cluster's Pythons and platform to the course's record
(``wheels.lock.json``). ``--check`` reads only that record, offline: every pin of every
step must be in it for each of its clusters' Pythons and platforms; the course's test
(tests/site/test_wheel_record.py) also asks for a wheel for each. A course whose
exercises load one module set for one step and another for the next gives
:func:`problems` the Pythons each (step, cluster) really runs
(the site test reads them from the lesson's ``module load`` blocks, in page order), so
that a pin is not asked of a Python its exercise never loads.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..table import Cluster, Table, TableError, load_table

#: The platform of a cluster without a ``platform`` fact: glibc 2.17, the oldest tag
#: current wheels are built for (the resolve mode's, too).
DEFAULT_PLATFORM = "manylinux2014_x86_64"
#: The platforms of the resolve mode (lessonrun's own pip, which has no cluster to ask).
PLATFORMS = (DEFAULT_PLATFORM,)
_MANYLINUX = re.compile(r"manylinux_2_(\d+)_(\w+)\Z")
_LEGACY = {"manylinux2014": 17, "manylinux2010": 12, "manylinux1": 5}
_PIN = re.compile(r"(?<![\w.=<>!~-])([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.+!-]*)")
_PYTHON_MODULE = re.compile(r"^python/(\d+\.\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Need:
    """One pin a step uses on one cluster, and the Pythons that cluster loads."""

    pin: str
    step: str
    cluster: str
    pythons: tuple[str, ...]
    line: int
    platform: str = DEFAULT_PLATFORM


def pins_in(text: str) -> list[str]:
    """Every ``NAME==VERSION`` of a command's text, names lower-cased as pip's index has them."""
    return [f"{name.lower()}=={version}" for name, version in _PIN.findall(text)]


def cluster_pythons(modules: Iterable[str]) -> tuple[str, ...]:
    """``("python/3.11.8", "GCC/12.3.0")`` -> ``("3.11",)``: the Pythons a cluster loads."""
    return cluster_pythons_sorted({m[1] for name in modules if (m := _PYTHON_MODULE.match(name))})


def cluster_pythons_sorted(versions: Iterable[str]) -> tuple[str, ...]:
    """Python versions in numeric order (3.9 before 3.11)."""
    return tuple(sorted(set(versions), key=lambda v: tuple(int(p) for p in v.split("."))))


def module_pythons(cluster: Cluster, modules: Iterable[str]) -> tuple[str, ...]:
    """The Python series that loading ``modules`` gives on ``cluster``: each module's
    ``python`` in its tree, or that of a module it ``needs`` (a bundle loads its Python)."""
    found, seen, todo = set(), set(), list(modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        entry = cluster.module_tree.get(name)
        if entry is None:
            found.update(cluster_pythons([name]))
            continue
        if entry.python:
            found.add(entry.python_series)
        todo.extend(entry.needs)
    return cluster_pythons_sorted(found)


def pythons_of(cluster: Cluster) -> tuple[str, ...]:
    """Every Python series the cluster's module sets load."""
    return module_pythons(cluster, cluster.all_modules)


def platform_of(cluster: Cluster) -> str:
    """The cluster's manylinux tag (its ``platform`` fact, else :data:`DEFAULT_PLATFORM`)."""
    return cluster.facts.get("platform", "") or DEFAULT_PLATFORM


def glibc_of(platform: str) -> tuple[int, str] | None:
    """``manylinux_2_28_x86_64`` -> ``(28, "x86_64")``; legacy names too; None: no
    manylinux tag."""
    match = _MANYLINUX.match(platform)
    if match:
        return int(match[1]), match[2]
    legacy, _, arch = platform.partition("_")
    return (_LEGACY[legacy], arch) if legacy in _LEGACY and arch else None


def compatible_platforms(platform: str) -> list[str]:
    """The wheel platform tags a system of ``platform`` runs: its own, then every older
    manylinux tag (pip is told each: it expands only the legacy names itself)."""
    found = glibc_of(platform)
    if found is None:
        return [platform]
    minor, arch = found
    tags = [f"manylinux_2_{m}_{arch}" for m in range(minor, 4, -1)]
    tags += [f"{name}_{arch}" for name, m in _LEGACY.items() if m <= minor]
    return tags


#: (step, cluster) -> the Pythons that step runs under there (see :func:`problems`).
Sessions = Mapping[tuple[str, str], tuple[str, ...]]


def needs(table: Table, sessions: Sessions | None = None) -> list[Need]:
    """Every (pin, step, cluster) of the table, with the Pythons it is installed for: from
    ``sessions`` when it knows the step, else every Python of the cluster."""
    out = []
    for cluster in table.clusters:
        every = pythons_of(cluster)
        platform = platform_of(cluster)
        for key, step in table.steps.items():
            rendered = table.render(key, cluster.key, {"venv": "venv"})
            if not rendered.applies:
                continue
            pythons = (sessions or {}).get((key, cluster.key)) or every
            for pin in dict.fromkeys(p for c in rendered.commands for p in pins_in(c)):
                out.append(Need(pin, key, cluster.key, pythons, step.line_of(), platform))
    return out


def find_wheel(
    pin: str,
    python: str,
    platform: str = DEFAULT_PLATFORM,
    pip: Sequence[str] = (sys.executable, "-m", "pip"),
) -> str:
    """The wheel the index has for ``pin`` on CPython ``python`` on a ``platform`` system
    (file name), or "" when it has none; :class:`RuntimeError` when pip cannot ask (no
    network, no such version)."""
    with tempfile.TemporaryDirectory(prefix="wheelrecord-") as folder:
        report = Path(folder, "report.json")
        tags = compatible_platforms(platform)
        platforms = [arg for tag in tags for arg in ("--platform", tag)]
        command = [
            *pip,
            "install",
            "--dry-run",
            "--quiet",
            "--ignore-installed",
            "--no-deps",
            "--only-binary=:all:",
            "--target",
            str(Path(folder, "target")),
            "--report",
            str(report),
            "--python-version",
            python,
            "--implementation",
            "cp",
            *platforms,
            pin,
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("PIP_NO_INDEX", "PIP_FIND_LINKS")}
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode == 0 and report.exists():
            installs = json.loads(report.read_text(encoding="utf-8")).get("install", [])
            return installs[0]["download_info"]["url"].rsplit("/", 1)[-1] if installs else ""
        if "No matching distribution found" in result.stderr:
            return ""
        said = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
        raise RuntimeError(f"pip could not look up {pin}: {said[-1] if said else result.stderr}")


Wheels = dict[str, dict[str, dict[str, str | None]]]


def refresh(table: Table, lookup=find_wheel) -> Wheels:
    """The record's ``wheels``: pin -> platform -> Python -> wheel file name (None: no
    wheel), for every Python of every cluster that runs the pin, on its platform.
    ``lookup(pin, python, platform)`` asks the index."""
    wanted: dict[str, dict[str, set[str]]] = {}
    for need in needs(table):
        wanted.setdefault(need.pin, {}).setdefault(need.platform, set()).update(need.pythons)
    return {
        pin: {
            platform: {
                python: lookup(pin, python, platform) or None
                for python in cluster_pythons_sorted(pythons)
            }
            for platform, pythons in sorted(platforms.items())
        }
        for pin, platforms in sorted(wanted.items())
    }


def clusters_record(table: Table) -> dict[str, dict[str, object]]:
    """What the record says of each cluster: its Pythons and its platform, from the table."""
    return {
        c.key: {"pythons": list(pythons_of(c)), "platform": platform_of(c)} for c in table.clusters
    }


def write_record(path: Path, wheels: Wheels, table: Table | None = None) -> None:
    record: dict[str, object] = {
        "about": (
            "Which pinned packages of the lessons' steps have a wheel for which cluster: "
            "pin -> platform (the cluster's manylinux tag) -> Python -> wheel (null: none, "
            "pip would build from source). Written by `make wheels-record`; `make test` "
            "checks every pin against it, offline."
        ),
    }
    if table is not None:
        record["clusters"] = clusters_record(table)
    record["wheels"] = wheels
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def problems(
    table: Table, record_path: Path, sessions: Sessions | None = None, *, strict: bool = True
) -> list[str]:
    """Why the record does not vouch for every pin, one located line each (none: it does).

    ``sessions`` gives the Pythons each (step, cluster) runs under (default: every Python
    of the cluster). ``strict=False`` only asks that every pin be in the record (what a
    refresh can promise without knowing the lessons' order); a missing wheel is then no
    problem of the record's.
    """
    try:
        wheels = json.loads(record_path.read_text(encoding="utf-8"))["wheels"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{record_path}: no readable wheel record ({exc}): run `make wheels-record`"]
    out = []
    for need in needs(table, sessions):
        for python in need.pythons or ("?",):
            where = f"{table.source}:{need.line}: step {need.step}, cluster {need.cluster}"
            found = wheels.get(need.pin, {})
            found = found.get(need.platform, {}) if isinstance(found, dict) else {}
            if not isinstance(found, dict) or python not in found:
                out.append(
                    f"{where}: {need.pin} is not in {record_path.name} for Python {python} "
                    f"on {need.platform}: run `make wheels-record`"
                )
            elif strict and not found[python]:
                out.append(
                    f"{where}: {need.pin} has no wheel for this cluster's Python ({python}) "
                    f"on its platform ({need.platform}): pip would build it from source; "
                    "pin a version with one"
                )
    return list(dict.fromkeys(out))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hpccourse.lessonrun.wheelrecord")
    parser.add_argument("table", type=Path, help="the course's clusters.toml")
    parser.add_argument("record", type=Path, help="the wheel record, e.g. wheels.lock.json")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--refresh", action="store_true", help="ask the index (network)")
    mode.add_argument("--check", action="store_true", help="check the pins (offline)")
    args = parser.parse_args(argv)
    try:
        table = load_table(args.table)
    except TableError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.refresh:
        try:
            write_record(args.record, refresh(table), table)
        except RuntimeError as exc:
            print(f"wheels-record: {exc}", file=sys.stderr)
            return 2
        print(f"wheels-record: wrote {args.record}")
    # Offline, without the lessons' order: every pin must be in the record; whether the
    # Python each exercise loads has its wheel is the site test's (tests/site).
    found = problems(table, args.record, strict=False)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
