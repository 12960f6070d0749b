"""The cluster's module system: Debian's Lmod over a module tree made from the data table.

``write_tree`` turns the cluster's :class:`~hpccourse.table.moduletree.ModuleTree` into Lua
modulefiles under ``ROOT/modules/lmod``: ``core/`` is ``MODULEPATH`` at login; a module
another one is ``after`` lies in ``after/NAME/VERSION/``, which that module's file adds to
``MODULEPATH`` when loaded (Lmod's hierarchy, as on HPC2N; with no ``after`` the tree is
flat, as on UPPMAX). A module that provides a Python puts a private copy of the
machine's Python of that series first on ``PATH`` (the builder's Python stands in, named
as such, when the machine has none) and sets ``EBVERSIONPYTHON`` as EasyBuild's modules
do; a bundle's packages (stand-in wheels) go on ``PYTHONPATH``; ``needs`` becomes
``depends_on``. Lmod itself then does ``module load``, ``ml``, ``list``, ``purge``,
``avail`` and ``spider``.

Whatever a module is named, its file lands under ``ROOT/modules`` (:func:`under`: each
part of the name a plain folder or file name, never ``..``), written with ``O_NOFOLLOW``
as a new file; a name that would leave the tree is a :class:`ModuleTreeError`.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..table.moduletree import ModuleEntry, ModuleTree
from .pythons import MachinePython, builder_python, machine_python, make_module_python
from .results import write_private
from .wheels import StandinError

#: Debian's Lmod.
LMOD_INIT = Path("/usr/share/lmod/lmod/init/bash")


@dataclass
class ModuleSystem:
    """What ``write_tree`` made: the login ``MODULEPATH``, what a session must be able to
    read, and what the run should say about its stand-ins."""

    modulepath: Path
    readable: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ModuleTreeError(ValueError):
    """A module tree lessonrun will not write (a name that would leave it), located."""


def under(base: Path, name: str, where: str) -> Path:
    """``base/name``, where every ``/``-separated part of ``name`` is a plain name."""
    parts = name.split("/")
    if any(part in ("", ".", "..") or "\0" in part for part in parts):
        raise ModuleTreeError(
            f"{where}: the module name {name!r} is not a path of plain names under the "
            "module tree (no `.`, `..`, empty part or leading `/`): lessonrun writes no "
            "file for it"
        )
    return base.joinpath(*parts)


def lmod_missing() -> str | None:
    """Why Lmod cannot run here, or None."""
    if not LMOD_INIT.exists():
        return f"Lmod is not installed ({LMOD_INIT} is missing; Debian: apt-get install lmod)"
    return None


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_tree(
    tree: ModuleTree, root: Path, wheelhouse: Path, cluster: str, table: str
) -> ModuleSystem:
    """Write the tree's modulefiles, module Pythons and bundles under ``root``."""
    lmod = root / "lmod"
    system = ModuleSystem(modulepath=lmod / "core")
    system.modulepath.mkdir(parents=True)
    pythons: dict[str, Path] = {}
    for entry in tree.modules:
        where = f"{table}:{entry.line}" if entry.line else table
        for name in (entry.name, entry.after or "x", entry.python or "x"):
            under(lmod, name, where)
        folder = under(lmod / "after", entry.after, where) if entry.after else system.modulepath
        body = [f"whatis({_lua(f'{entry.name}: a module of {cluster} ({table})')})"]
        opened = [e for e in tree.modules if e.after == entry.name]
        if opened:
            after = under(lmod / "after", entry.name, where)
            body.append(f'prepend_path("MODULEPATH", {_lua(str(after))})')
            after.mkdir(parents=True, exist_ok=True)
        body += [f"depends_on({_lua(name)})" for name in entry.needs]
        if entry.python:
            if entry.python not in pythons:
                pythons[entry.python] = _python(entry, root, system, wheelhouse)
            body.append(f'prepend_path("PATH", {_lua(str(pythons[entry.python]))})')
            body.append(f'setenv("EBVERSIONPYTHON", {_lua(entry.python)})')
        if entry.bundles:
            site = under(root / "bundles", entry.name, where) / "site-packages"
            _install_bundle(entry, site, wheelhouse, table)
            body.append(f'prepend_path("PYTHONPATH", {_lua(str(site))})')
        path = under(folder, f"{entry.name}.lua", where)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_private(path, "\n".join(body) + "\n")
        except FileExistsError:
            raise ModuleTreeError(f"{where}: the module {entry.name} is listed twice") from None
    return system


def _python(entry: ModuleEntry, root: Path, system: ModuleSystem, wheelhouse: Path) -> Path:
    """The module's Python: the machine's of that series, else the builder's, named so."""
    found: MachinePython | None = machine_python(entry.python_series)
    if found is None:
        found = builder_python()
        system.notes.append(
            f"{entry.name}: this machine has no Python {entry.python_series}; the module puts "
            f"a stand-in first on PATH, Python {found.version}"
        )
    if found.prefix not in system.readable:
        system.readable.append(found.prefix)
    pips = None
    if wheelhouse.is_dir():  # the run's: its venvs' pip, beside its wheels (pip skips a folder)
        pips = wheelhouse / ".ensurepip"
        pips.mkdir(mode=0o755, exist_ok=True)
    return make_module_python(found, under(root / "pythons", entry.python, entry.name), pips)


def _install_bundle(entry: ModuleEntry, site: Path, wheelhouse: Path, table: str) -> None:
    """Unpack the bundle's stand-in wheels into ``site`` (as installed, with dist-info)."""
    site.mkdir(parents=True)
    for pin in entry.bundles:
        name, _, version = pin.partition("==")
        dist = name.lower().replace("-", "_").replace(".", "_")
        wheel = wheelhouse / f"{dist}-{version}-py3-none-any.whl"
        if not wheel.exists():
            raise StandinError(
                f"{entry.name} bundles {pin}, which the stand-in package list lacks (add "
                "the version to its [packages.NAME] versions)",
                table,
                entry.line,
            )
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
