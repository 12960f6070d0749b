"""A cluster's module tree: how its Lmod shows the modules, for lessonrun's simulation.

``[clusters.KEY.module_tree]`` (optional) gives one entry per module, keyed by its full
name (``"Python/3.11.3"``); each entry is an inline table with, all optional:

- ``after``: the module whose loading makes this one visible (Lmod's hierarchy: on
  HPC2N, ``Python/3.11.3`` appears only after ``GCC/12.3.0``); none: visible at once;
- ``python``: the Python version the module provides (``"3.11.3"``);
- ``needs``: the modules it loads itself (Lmod's ``depends_on``);
- ``bundles``: the Python packages importable once it is loaded (``"numpy==1.25.1"``).

Every module the cluster's module sets name must be in its tree. Without a tree, every
module of the module sets is visible at once (a flat tree), and a ``python/X.Y.Z`` module
provides Python X.Y.Z. No Sphinx; errors are :class:`~.model.TableError` at their line.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from .paths import module_name

_FIELDS = ("after", "python", "needs", "bundles")
#: A module as a module tree names it: NAME/VERSION, one slash.
TREE_MODULE = re.compile(r"[A-Za-z0-9_.+-]+/[A-Za-z0-9_.+-]+\Z")
_VERSION = re.compile(r"\d+\.\d+(\.\d+)?\Z")
_PIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+\Z")
_PYTHON_MODULE = re.compile(r"^python/(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class ModuleEntry:
    """One module of a cluster's tree."""

    name: str
    after: str = ""
    python: str = ""
    needs: tuple[str, ...] = ()
    bundles: tuple[str, ...] = ()
    line: int = 0

    @property
    def python_series(self) -> str:
        """``3.11.3`` -> ``3.11``."""
        return ".".join(self.python.split(".")[:2])


@dataclass(frozen=True)
class ModuleTree:
    """Every module of a cluster as its Lmod shows them; ``flat`` when none is hidden."""

    modules: tuple[ModuleEntry, ...]
    declared: bool = True  # False: made from the module sets (no [module_tree])
    #: name -> entry: lookups by key (a walk of a long `after` chain stays linear).
    _by_name: dict[str, ModuleEntry] = dataclasses.field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for entry in self.modules:
            self._by_name.setdefault(entry.name, entry)

    @property
    def flat(self) -> bool:
        return not any(entry.after for entry in self.modules)

    def get(self, name: str) -> ModuleEntry | None:
        return self._by_name.get(name)


def flat_tree(module_names: Iterable[str]) -> ModuleTree:
    """The tree of a cluster with no ``[module_tree]``: all visible, ``python/X`` a Python."""
    entries = []
    for name in sorted(set(module_names)):
        match = _PYTHON_MODULE.match(name)
        entries.append(ModuleEntry(name, python=match[1] if match else ""))
    return ModuleTree(tuple(entries), declared=False)


Fail = Callable[..., NoReturn]


def parse_module_tree(
    key: str,
    data: Any,
    module_sets: Mapping[str, tuple[str, ...]],
    fail: Fail,
    line: Callable[..., int | None],
) -> ModuleTree:
    """``[clusters.KEY.module_tree]`` -> a checked :class:`ModuleTree`.

    ``fail(message, *path)`` raises at the line of ``path``; ``line(*path)`` finds it.
    """
    where = ("clusters", key, "module_tree")
    if data is None:
        return flat_tree(name for names in module_sets.values() for name in names)
    if not isinstance(data, dict):
        fail(f"clusters.{key}.module_tree must be a table of modules", *where)
    entries = [_entry(key, name, value, fail, line) for name, value in data.items()]
    tree = ModuleTree(tuple(entries))
    names = {entry.name for entry in entries}
    for entry in entries:
        at = (*where, entry.name)
        for other in (entry.after, *entry.needs):
            if other and other not in names:
                fail(f"module {entry.name!r} names {other!r}, which the module tree lacks", *at)
    _check_chains(tree, fail, where)
    for set_name, modules in module_sets.items():
        for module in modules:
            if module not in names:
                fail(
                    f"module set {set_name!r} of cluster {key!r} names {module!r}, which "
                    f"[clusters.{key}.module_tree] lacks",
                    "clusters",
                    key,
                    "modules",
                    set_name,
                )
    return tree


def _entry(key: str, name: str, value: Any, fail: Fail, line: Callable[..., int | None]):
    at = ("clusters", key, "module_tree", name)
    wrong = module_name(name)
    if wrong or not TREE_MODULE.match(name):
        fail(
            f"module tree entry {name!r}: a module is named NAME/VERSION ({wrong or 'one /'})", *at
        )
    if not isinstance(value, dict):
        fail(f"module tree entry {name!r} must be an inline table ({{}} when it has nothing)", *at)
    for field in value:
        if field not in _FIELDS:
            fail(
                f"module tree entry {name!r}: unknown field {field!r} (use: {', '.join(_FIELDS)})",
                *at,
            )
    after, python = value.get("after", ""), value.get("python", "")
    if not isinstance(after, str) or not isinstance(python, str):
        fail(f"module tree entry {name!r}: after and python must be strings", *at)
    if python and not _VERSION.match(python):
        fail(f"module tree entry {name!r}: python must be a version (3.11.3), not {python!r}", *at)
    lists = {}
    for field in ("needs", "bundles"):
        items = value.get(field, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            fail(f"module tree entry {name!r}: {field} must be an array of strings", *at)
        lists[field] = tuple(items)
    for pin in lists["bundles"]:
        if not _PIN.match(pin):
            fail(f"module tree entry {name!r}: bundle {pin!r} must be NAME==VERSION", *at)
    return ModuleEntry(name, after, python, lists["needs"], lists["bundles"], line(*at) or 0)


def _check_chains(tree: ModuleTree, fail: Fail, where: tuple[str, ...]) -> None:
    """Each ``after`` chain must lead to a visible module, never back into itself.

    Linear in the tree: a module whose chain is known to end well is not walked again,
    and each step is a lookup by key (a chain of 1,500 used to take a minute: cubic).
    """
    ends_well: set[str] = set()
    for entry in tree.modules:
        seen = [entry.name]
        on_walk = {entry.name}
        current: ModuleEntry | None = entry
        while current is not None and current.after and current.after not in ends_well:
            if current.after in on_walk:
                circle = " -> ".join(seen)
                fail(
                    f"module {entry.name!r}: `after` goes round in a circle: {circle}",
                    *where,
                    entry.name,
                )
            seen.append(current.after)
            on_walk.add(current.after)
            current = tree.get(current.after)
        ends_well.update(on_walk)
