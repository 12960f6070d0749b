"""Writing the table text: the new steps (and clusters) as TOML sections appended to the
table, checked by loading the whole new text with the table's own loader before anything
is written."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from ..table import Table, TableError, load_table

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def toml_string(value: str) -> str:
    """A TOML string for ``value``: a multi-line literal string when that is exact
    (no ``'''``, no control character), else a basic string with escapes."""
    if "\n" in value and "'''" not in value and not CONTROL.search(value):
        return "'''\n" + value + "'''"
    text = json.dumps(value, ensure_ascii=False)
    # JSON leaves DEL as it is; TOML wants it escaped
    return text.replace("\x7f", "\\u007f")


def toml_value(value: object) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def sections(prefix: str, items: dict[str, dict[str, object]]) -> str:
    """``[PREFIX.NAME]`` sections, in order; a dict field as dotted keys; a ``#`` field is
    a comment line for the teacher."""
    parts = []
    for name, fields in items.items():
        rows = [f"[{prefix}.{toml_key(name)}]"]
        for key, value in fields.items():
            if key == "#":
                rows += [f"# {line}" for line in str(value).split("\n")]
            elif isinstance(value, dict):
                rows += [f"{key}.{toml_key(k)} = {toml_value(v)}" for k, v in value.items()]
            else:
                rows.append(f"{key} = {toml_value(value)}")
        parts.append("\n".join(rows))
    return "\n\n".join(parts) + ("\n" if parts else "")


def new_table_text(old: str, page: str, clusters: str, steps: str) -> str:
    """The table with the new clusters and steps appended."""
    text = old.rstrip("\n") + "\n"
    if clusters:
        text += f"\n# Clusters read from {page} by hpccourse migrate --add-clusters.\n{clusters}"
    if steps:
        text += f"\n# Steps of {page}, by hpccourse migrate.\n{steps}"
    return text


def load_text(text: str, table_path: Path) -> Table:
    """Load ``text`` as if it were the table at ``table_path`` (raise a :class:`TableError`
    located in ``table_path``); the file itself is not touched."""
    # in the system's temporary folder: a dry run leaves the course's folder untouched
    handle, temporary = tempfile.mkstemp(prefix="hpccourse-migrate-", suffix=".toml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        return load_table(temporary)
    except TableError as error:
        raise TableError(
            f"the table migrate would write does not load: {error.message} (nothing written)",
            str(table_path),
            error.line,
        ) from None
    finally:
        os.unlink(temporary)


def skip_new_clusters(text: str, table: Table, keys: list[str]) -> str:
    """``text`` (the table ``table`` was loaded from) with ``skip.KEY`` added to each step
    for each new cluster ``KEY``: a step must say what it shows on every cluster."""
    if not keys:
        return text
    lines = text.split("\n")
    inserts: dict[int, list[str]] = {}
    for step in table.steps.values():
        if step.only:
            continue  # the new cluster sees the step's `elsewhere` text
        header = step.lines.get("", 0)
        if not (0 < header <= len(lines)) or not lines[header - 1].lstrip().startswith("["):
            continue
        inserts[header] = [
            f'skip.{key} = "Not shown for this cluster yet (added by hpccourse migrate)."'
            for key in keys
            if key not in step.skips
        ]
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        out.append(line)
        out += inserts.get(number, [])
    return "\n".join(out)
