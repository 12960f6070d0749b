"""The machine's Pythons a module's Python can be made from, found by version series.

A loaded ``Python/3.11.3`` module puts a Python 3.11 first on ``PATH`` when the machine
has one (its own, the builder's, one beside it as pyenv keeps them); else the builder's
Python stands in, and the run says so. Each is used through a private copy of its binary
whose standard library links to the original (see :func:`make_module_python`), so that
its ``site-packages`` is the module's own, empty one.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from .venvpip import install_shim, pip_template

_ASK = "import sys, sysconfig; print(sys.base_prefix); print(sysconfig.get_path('stdlib')); "
_ASK += "print('.'.join(map(str, sys.version_info[:3])))"


@dataclass(frozen=True)
class MachinePython:
    """One Python installation of the machine."""

    binary: Path
    prefix: Path  # what a sandbox must mount to run it
    stdlib: Path
    version: str  # 3.11.7

    @property
    def series(self) -> str:
        return ".".join(self.version.split(".")[:2])


def builder_python() -> MachinePython:
    """The Python running this build (its base installation, never a venv)."""
    series = f"{sys.version_info.major}.{sys.version_info.minor}"
    prefix = Path(sys.base_prefix).resolve()
    binary = prefix / "bin" / f"python{series}"
    if not binary.exists():
        binary = Path(sys._base_executable).resolve()  # type: ignore[attr-defined]
    stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": sys.base_prefix}))
    version = ".".join(map(str, sys.version_info[:3]))
    return MachinePython(binary, prefix, stdlib.resolve(), version)


def _candidates(series: str) -> list[str]:
    found = [shutil.which(f"python{series}") or "", f"/usr/bin/python{series}"]
    siblings = Path(sys.base_prefix).resolve().parent  # pyenv's versions/ folder
    found += sorted(glob.glob(str(siblings / f"{series}.*" / "bin" / f"python{series}")))
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found += sorted(
        glob.glob(os.path.join(pyenv, "versions", f"{series}.*", "bin", f"python{series}"))
    )
    return [path for path in found if path and os.access(path, os.X_OK)]


@functools.cache
def machine_python(series: str) -> MachinePython | None:
    """A Python ``series`` (``"3.9"``) of this machine that can make venvs, or None."""
    builder = builder_python()
    if builder.series == series:
        return builder
    for path in _candidates(series):
        try:
            result = subprocess.run(
                [path, "-I", "-c", _ASK], capture_output=True, text=True, timeout=20, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        lines = result.stdout.split()
        if result.returncode != 0 or len(lines) != 3:
            continue
        prefix, stdlib, version = (Path(lines[0]), Path(lines[1]), lines[2])
        if not (stdlib / "venv").is_dir() or not (stdlib / "ensurepip").is_dir():
            continue  # Debian's python3.X without python3.X-venv makes no venv
        return MachinePython(Path(path).resolve(), prefix.resolve(), stdlib.resolve(), version)
    return None


def make_module_python(python: MachinePython, target: Path, pips: Path | None = None) -> Path:
    """A Python installation at ``target`` sharing ``python``'s standard library, with an
    empty site-packages: returns its ``bin`` folder (python, python3, python3.X). With
    ``pips`` (a folder of the run's, read-only in sessions), its venvs copy pip from a
    template made there once (:mod:`.venvpip`) instead of installing it each time."""
    series = python.series
    bindir = target / "bin"
    libdir = target / "lib" / f"python{series}"
    bindir.mkdir(parents=True)
    libdir.mkdir(parents=True)
    shutil.copy2(python.binary, bindir / f"python{series}")
    for name in ("python3", "python"):
        (bindir / name).symlink_to(f"python{series}")
    template = pip_template(python.binary, series, pips) if pips is not None else None
    for entry in python.stdlib.iterdir():
        if entry.name == "ensurepip" and template is not None:
            install_shim(libdir, entry, template)
        elif entry.name != "site-packages":
            (libdir / entry.name).symlink_to(entry)
    (libdir / "site-packages").mkdir()
    # A shared-library build may find libpython next to its binary ($ORIGIN/../lib).
    for library in python.binary.parent.parent.glob("lib/libpython*"):
        (target / "lib" / library.name).symlink_to(library)
    return bindir
