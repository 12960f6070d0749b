"""Testroots whose data tables derive from one shared base, ``tests/roots/base.toml``.

A testroot that needs a good table holds no ``clusters.toml`` of its own but a small
overlay, ``clusters.overlay.toml``, that says how its table differs from the base; a
change of the table's schema (a new required fact, a renamed field) is then made once,
in ``base.toml``. Before any test runs, :func:`materialise` copies ``tests/roots`` to a
temporary folder and writes every ``NAME.overlay.toml`` there as the composed ``NAME.toml``.
The broken tables of ``test-cluster-bad/tables`` stay as written: each is one specific
broken input.

An overlay is TOML merged into the base: tables merge key by key, any other value
replaces the base's. Its optional ``[compose]`` table is applied first:

- ``extends``: another overlay (a path relative to this one), applied before this one;
- ``clusters``: the clusters to start from, ``{new_key = "base_key"}`` in tab order (a
  base cluster may be used twice; default: all of them, under their own keys);
- ``drop``: dotted paths removed before the merge (``"steps"``, ``"clusters.a.modules"``).

The composed file is plain TOML written by :func:`toml_text` and checked to read back as
the same data. Its lines are not the overlay's: tests find every line they assert in
the composed file's text, never in the overlay.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOTS = Path(__file__).resolve().parent / "roots"
BASE = ROOTS / "base.toml"
OVERLAY_SUFFIX = ".overlay.toml"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def compose(overlay: Path, base: Path = BASE) -> dict[str, Any]:
    """The table ``overlay`` describes: ``base`` with the overlay's changes."""
    spec = tomllib.loads(overlay.read_text(encoding="utf-8"))
    how = spec.pop("compose", {})
    unknown = set(how) - {"extends", "clusters", "drop"}
    if unknown:
        raise ValueError(f"{overlay}: unknown [compose] keys {sorted(unknown)}")
    if "extends" in how:
        table = compose((overlay.parent / how["extends"]).resolve(), base)
    else:
        table = tomllib.loads(base.read_text(encoding="utf-8"))
    if "clusters" in how:
        clusters = table.get("clusters", {})
        table["clusters"] = {
            new: copy.deepcopy(clusters[old]) for new, old in how["clusters"].items()
        }
    for dotted in how.get("drop", []):
        *parents, last = dotted.split(".")
        holder = table
        for key in parents:
            holder = holder[key]
        del holder[last]
    return merge(table, spec)


def merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overlay`` merged in: tables key by key, other values replaced."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def toml_text(data: Mapping[str, Any], header: str = "") -> str:
    """``data`` as TOML: each table's values, then its sub-tables as ``[a.b]`` sections.

    Covers what a data table holds (strings, booleans, integers, arrays of them, tables);
    a string with a newline is written as a multi-line string, one array element a line.
    Raises ValueError unless the text reads back as ``data``.
    """
    lines = [f"# {row}".rstrip() for row in header.splitlines()]
    _table(lines, (), data)
    text = "\n".join(lines).lstrip("\n") + "\n"
    if tomllib.loads(text) != data:
        raise ValueError("toml_text wrote TOML that does not read back as its data")
    return text


def _table(lines: list[str], path: tuple[str, ...], data: Mapping[str, Any]) -> None:
    values = {k: v for k, v in data.items() if not isinstance(v, Mapping)}
    tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    if path and (values or not tables):
        lines += ["", f"[{'.'.join(_key(k) for k in path)}]"]
    lines += [f"{_key(key)} = {_value(value)}" for key, value in values.items()]
    for key, table in tables.items():
        _table(lines, (*path, key), table)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "\n" in value:
            return '"""' + value.replace("\\", "\\\\").replace('"', '\\"') + '"""'
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        items = [_value(item) for item in value]
        if any("\n" in item for item in items):
            return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
        return "[" + ", ".join(items) + "]"
    raise TypeError(f"toml_text cannot write {type(value).__name__} values")


def write_composed(overlay: Path, dest: Path, base: Path = BASE) -> Path:
    """Write the table ``overlay`` describes to ``dest``, with a header naming both."""
    relative = overlay.relative_to(ROOTS) if overlay.is_relative_to(ROOTS) else overlay
    header = (
        f"Composed for the tests from tests/roots/{base.name} and tests/roots/{relative}\n"
        "(tests/testroots.py). Edit those, not this file."
    )
    dest.write_text(toml_text(compose(overlay, base), header), encoding="utf-8")
    return dest


def materialise(dest: Path, roots: Path = ROOTS) -> Path:
    """Copy ``roots`` to ``dest``, each ``NAME.overlay.toml`` written as its ``NAME.toml``."""
    shutil.copytree(roots, dest, ignore=shutil.ignore_patterns("__pycache__"))
    for overlay in sorted(roots.rglob(f"*{OVERLAY_SUFFIX}")):
        target = dest / overlay.relative_to(roots)
        write_composed(
            overlay, target.with_name(target.name.removesuffix(OVERLAY_SUFFIX) + ".toml")
        )
        target.unlink()
    return dest


def composed_table(tmp: Path, root: str, name: str = "clusters") -> Path:
    """Testroot ``root``'s composed ``NAME.toml``, written under ``tmp`` (for tests
    that load a table without building the testroot)."""
    overlay = ROOTS / f"test-{root}" / f"{name}{OVERLAY_SUFFIX}"
    tmp.mkdir(parents=True, exist_ok=True)
    return write_composed(overlay, tmp / f"{name}.toml")
