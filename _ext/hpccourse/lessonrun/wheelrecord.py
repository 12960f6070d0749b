"""The wheel record: which pinned packages of the lessons' steps have a wheel for which
cluster Python (no Sphinx).

A pin (``NAME==VERSION``, in a ``pip install`` or a requirements file a step writes) with
no wheel for the cluster's Python makes pip build it from source: slow, and on a cluster
without the build's dependencies, a failure. ``python -m hpccourse.lessonrun.wheelrecord
--refresh`` (``make wheels-record``, and the weekly workflow) asks the package index,
through pip, for each pin and each Python of the clusters that run the step, wheels only,
and writes the answers to the course's record (``wheels.lock.json``); ``--check`` (and
the course's test) reads only that record, offline: every pin of every step must be in
it with a wheel for each of its clusters' Pythons.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..table import Table, TableError, load_table

#: The platforms the clusters run (the resolve mode's, too).
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")
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


def pins_in(text: str) -> list[str]:
    """Every ``NAME==VERSION`` of a command's text, names lower-cased as pip's index has them."""
    return [f"{name.lower()}=={version}" for name, version in _PIN.findall(text)]


def cluster_pythons(modules: Iterable[str]) -> tuple[str, ...]:
    """``("python/3.11.8", "GCC/12.3.0")`` -> ``("3.11",)``: the Pythons a cluster loads."""
    return cluster_pythons_sorted({m[1] for name in modules if (m := _PYTHON_MODULE.match(name))})


def cluster_pythons_sorted(versions: Iterable[str]) -> tuple[str, ...]:
    """Python versions in numeric order (3.9 before 3.11)."""
    return tuple(sorted(set(versions), key=lambda v: tuple(int(p) for p in v.split("."))))


def needs(table: Table) -> list[Need]:
    """Every (pin, step, cluster) of the table, with that cluster's Pythons."""
    out = []
    for cluster in table.clusters:
        pythons = cluster_pythons(cluster.all_modules)
        for key, step in table.steps.items():
            rendered = table.render(key, cluster.key, {"venv": "venv"})
            if not rendered.applies:
                continue
            for pin in dict.fromkeys(p for c in rendered.commands for p in pins_in(c)):
                out.append(Need(pin, key, cluster.key, pythons, step.line_of()))
    return out


def find_wheel(pin: str, python: str, pip: Sequence[str] = (sys.executable, "-m", "pip")) -> str:
    """The wheel the index has for ``pin`` on CPython ``python`` (file name), or "" when it
    has none; :class:`RuntimeError` when pip cannot ask (no network, no such version)."""
    with tempfile.TemporaryDirectory(prefix="wheelrecord-") as folder:
        report = Path(folder, "report.json")
        platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
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


def refresh(table: Table, lookup=find_wheel) -> dict[str, dict[str, str | None]]:
    """The record's ``wheels``: pin -> Python -> wheel file name (None: no wheel)."""
    wanted: dict[str, set[str]] = {}
    for need in needs(table):
        wanted.setdefault(need.pin, set()).update(need.pythons)
    return {
        pin: {python: lookup(pin, python) or None for python in cluster_pythons_sorted(pythons)}
        for pin, pythons in sorted(wanted.items())
    }


def write_record(path: Path, wheels: dict[str, dict[str, str | None]]) -> None:
    record = {
        "about": (
            "Which pinned packages of the lessons' steps have a wheel for which cluster "
            "Python (null: none, pip would build from source). Written by `make "
            "wheels-record`; `make test` checks every pin against it, offline."
        ),
        "platforms": list(PLATFORMS),
        "wheels": wheels,
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def problems(table: Table, record_path: Path) -> list[str]:
    """Why the record does not vouch for every pin, one located line each (none: it does)."""
    try:
        wheels = json.loads(record_path.read_text(encoding="utf-8"))["wheels"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{record_path}: no readable wheel record ({exc}): run `make wheels-record`"]
    out = []
    for need in needs(table):
        for python in need.pythons or ("?",):
            where = f"{table.source}:{need.line}: step {need.step}, cluster {need.cluster}"
            if need.pin not in wheels or python not in wheels[need.pin]:
                out.append(
                    f"{where}: {need.pin} is not in {record_path.name} for Python {python}: "
                    "run `make wheels-record`"
                )
            elif not wheels[need.pin][python]:
                out.append(
                    f"{where}: {need.pin} has no wheel for this cluster's Python ({python}): "
                    "pip would build it from source; pin a version with one"
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
            write_record(args.record, refresh(table))
        except RuntimeError as exc:
            print(f"wheels-record: {exc}", file=sys.stderr)
            return 2
        print(f"wheels-record: wrote {args.record}")
    found = problems(table, args.record)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
