"""consolecheck over a Sphinx project that does not load hpccourse: ``hpccourse check``.

The project is not edited. Its ``conf.py`` is read once to learn its extensions; the
build then runs with the same ``conf.py`` and overrides (``-D`` as Python values): the
extensions it lists that can be imported, plus ``hpccourse``; the rules switched off; the
data table when one is named. Extensions that cannot be imported are left out and named:
sphinx-lesson among them, whose directives ``hpccourse`` provides. The project's own table
(``clusters.toml``, or its ``hpccourse_table``) is used when there is one; without it the
table's rules (CC205, CC206) have nothing to compare with and stay silent.

Doctrees and the report go to an output folder of the caller's choosing; the build's own
messages are kept in ``sphinx.log`` there, not printed.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import eval_config_file
from sphinx.errors import SphinxError
from sphinx.util.tags import Tags

from ..console.codes import RULES
from .report import REPORT

#: Extensions whose directives hpccourse provides itself when they cannot be imported.
PROVIDED = {"sphinx_lesson": "its lesson directives are provided by hpccourse"}


class CheckError(Exception):
    """A project the check cannot run on (no conf.py, a broken one, a bad option)."""


@dataclass
class CheckRun:
    """What one ``hpccourse check`` found: the report, and what was left out."""

    report: dict[str, Any]
    srcdir: Path
    outdir: Path
    dropped: dict[str, str] = field(default_factory=dict)  # extension -> why
    sphinx_warnings: int = 0

    @property
    def failed(self) -> bool:
        return any(block["status"] == "failed" for block in self.report.get("blocks", []))


def find_confdir(docs: Path) -> Path:
    """The folder holding ``conf.py``: DOCS_DIR itself, or its ``source/`` (sphinx-quickstart's
    layout with separate source and build folders)."""
    for candidate in (docs, docs / "source"):
        if (candidate / "conf.py").is_file():
            return candidate
    raise CheckError(f"{docs}: no conf.py here or in {docs / 'source'}: is it a Sphinx project?")


def select_rules(select: list[str], ignore: list[str]) -> list[str]:
    """The codes to switch off for ``--select``/``--ignore`` (codes or prefixes: ``CC2``)."""
    for prefix in [*select, *ignore]:
        if not any(code.startswith(prefix) for code in RULES):
            raise CheckError(
                f"no rule code starts with {prefix!r}: the codes are {', '.join(RULES)}"
            )
    return sorted(
        code
        for code in RULES
        if (select and not any(code.startswith(p) for p in select))
        or any(code.startswith(p) for p in ignore)
    )


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def extensions_for(listed: list[str]) -> tuple[list[str], dict[str, str]]:
    """The project's extensions that load here, plus hpccourse; and those left out, with why."""
    kept: list[str] = []
    dropped: dict[str, str] = {}
    for name in listed:
        if name.split(".")[0] == "hpccourse" or _importable(name):
            kept.append(name)
        else:
            dropped[name] = PROVIDED.get(name, "not installed: its directives are not read")
    if "hpccourse" not in kept:
        kept.append("hpccourse")
    return kept, dropped


def run_check(
    docs: Path,
    outdir: Path,
    *,
    disabled: Sequence[str] = (),
    table: Path | None = None,
) -> CheckRun:
    """Build ``docs`` with the consolecheck builder into ``outdir``; its report."""
    docs, outdir = docs.resolve(), outdir.resolve()  # conf.py runs in its own folder
    confdir = find_confdir(docs)
    try:
        namespace = eval_config_file(confdir / "conf.py", Tags())
    except SphinxError as error:
        raise CheckError(f"{confdir / 'conf.py'}: {error}") from error
    extensions, dropped = extensions_for(list(namespace.get("extensions", [])))
    own_disabled = list(namespace.get("consolecheck_disabled_rules", []))
    overrides: dict[str, Any] = {
        "extensions": extensions,
        "consolecheck_disabled_rules": sorted({*own_disabled, *disabled}),
    }
    if table is not None:
        overrides["hpccourse_table"] = os.path.relpath(table.resolve(), confdir.resolve())
    outdir.mkdir(parents=True, exist_ok=True)
    log = io.StringIO()
    try:
        app = Sphinx(
            confdir,
            confdir,
            outdir,
            outdir / ".doctrees",
            "consolecheck",
            confoverrides=overrides,
            status=log,
            warning=log,
            keep_going=True,
        )
        app.build()
    except (SphinxError, OSError) as error:
        (outdir / "sphinx.log").write_text(log.getvalue(), encoding="utf-8")
        raise CheckError(f"{docs}: the build failed: {error}") from error
    text = log.getvalue()
    (outdir / "sphinx.log").write_text(text, encoding="utf-8")
    report = json.loads((outdir / REPORT).read_text(encoding="utf-8"))
    warnings = sum(
        1
        for line in text.splitlines()
        if ("WARNING:" in line or "ERROR:" in line) and "[consolecheck." not in line
    )
    return CheckRun(report, confdir, outdir, dropped, warnings)
