"""A course's ``conf.py`` run for ``hpccourse check``: one top-level statement at a time.

Sphinx runs ``conf.py`` whole (:func:`sphinx.config.eval_config_file`), so one failing line
stops everything. On the machine that checks a course, lines fail for reasons that say
nothing about its pages: a module missing here (it gets a stand-in, :mod:`.standins`), a
package that breaks on such a stand-in, an assertion on the path of an installed copy, a
version read from git. So each top-level statement runs on its own, in one namespace, at
its own line numbers:

- a module that does not import here (missing, or failing on import): the run starts again
  with a stand-in for it, as before;
- any other failing statement is skipped and recorded (line and error), the rest goes on;
  one that runs past a minute fails so (an import then gets a stand-in);
- a value that is a stand-in (``version = pkg.__version__``) is left out, so Sphinx uses
  its default instead of a mock; ``release`` and ``version``, which a course's own code
  may parse as a version, get ``0.0`` instead (Sphinx's default, "", parses as none).

A syntax error is still the course's error: nothing can run.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from sphinx.ext.autodoc.mock import ismock
from sphinx.util.tags import Tags

from .standins import LOOPING, stand_in_modules, time_limit

#: How long one top-level statement of ``conf.py`` may run, in seconds: eli5's imports its
#: package, which loops for ever on a stand-in module (blind batch P); past it the line
#: fails, and an import that did gets a stand-in as any other that fails.
STATEMENT_SECONDS = 60.0
#: How many modules ``conf.py`` may need stand-ins for before the check gives up.
MAX_STANDINS = 32


#: What a Sphinx setting's name looks like (``html_context``), as opposed to a helper's.
_SETTING = re.compile(r"[a-z][a-z0-9_]*\Z")


def _holds_mock(value: Any, depth: int = 4) -> bool:
    """Whether ``value`` is a stand-in or holds one (in a list, tuple, set or dict): Sphinx
    could neither use nor pickle it."""
    if ismock(value):
        return True
    if depth == 0 or isinstance(value, (str, bytes)):
        return False
    if isinstance(value, dict):
        return any(_holds_mock(v, depth - 1) for item in value.items() for v in item)
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_mock(v, depth - 1) for v in value)
    return False


#: The settings a course computes that its own code may parse as a version (a role that
#: asks ``packaging.version.parse(release)``): when conf.py cannot compute them here
#: (a stand-in's value, a failing line), they get a version that parses, not "".
VERSION_SETTINGS = ("release", "version")
FALLBACK_VERSION = "0.0"


def _assigned(statement: ast.stmt) -> set[str]:
    """The top-level names a statement assigns (``release, version = ...`` too)."""
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    names: set[str] = set()
    while targets:
        target = targets.pop()
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            targets.extend(target.elts)
        elif isinstance(target, ast.Starred):
            targets.append(target.value)
    return names


class ConfError(Exception):
    """``conf.py`` cannot run at all (a syntax error, too many missing modules)."""


@dataclass
class ConfRun:
    """``conf.py``'s namespace, and what the check did instead of what it asked."""

    namespace: dict[str, Any]
    mocked: list[str] = field(default_factory=list)  # top-level modules stood in for
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, error)
    imported: set[str] = field(default_factory=set)  # names bound by import statements
    broken: dict[str, str] = field(default_factory=dict)  # stood in, but installed: why
    versions: list[str] = field(default_factory=list)  # set to FALLBACK_VERSION here

    def config(self) -> dict[str, Any]:
        """The namespace as Sphinx reads it: values that are stand-ins left out (their
        defaults apply). ``namespace`` itself stays whole: ``setup()`` reads its globals."""
        return {name: value for name, value in self.namespace.items() if not _holds_mock(value)}

    @property
    def dropped(self) -> list[str]:
        """The settings whose value was a stand-in (modules and classes not counted)."""
        return sorted(
            name
            for name, value in self.namespace.items()
            if _holds_mock(value)
            and not isinstance(value, (ModuleType, type))
            and name not in self.imported
            and _SETTING.match(name)
        )


@contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    """``conf.py`` runs in its own folder, as Sphinx runs it."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160]}" if text else type(error).__name__


def _import_targets(statement: ast.stmt) -> list[str]:
    """The top-level modules an ``import`` statement names (none for relative imports)."""
    if isinstance(statement, ast.Import):
        return [alias.name.split(".")[0] for alias in statement.names]
    if isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
        return [statement.module.split(".")[0]]
    return []


def _needs_standin(
    error: BaseException, statement: ast.stmt, mocked: list[str], in_use: frozenset[str]
) -> tuple[str, str] | None:
    """The module to stand in for so that ``statement`` can run, and why ("" when it is
    not installed): the one a ``ModuleNotFoundError`` names, or the one an ``import``
    statement failed on. Never one this process already runs on (``in_use``: Sphinx,
    docutils...): ``from sphinx.ext.autosummary import get_documenter``, a name Sphinx 9
    no longer has, would otherwise replace Sphinx itself; that line is skipped instead."""
    if isinstance(error, ModuleNotFoundError) and error.name:
        name = error.name.split(".")[0]
        if name not in mocked and name not in in_use:
            return name, ""
    targets = [n for n in _import_targets(statement) if n not in mocked and n not in in_use]
    return (targets[0], _one_line(error)) if targets else None


def _run_once(
    conf: Path, tree: ast.Module, mocked: list[str], in_use: frozenset[str]
) -> tuple[ConfRun, tuple[str, str] | None]:
    """Each statement of ``tree`` in one namespace; stops at the first one that needs a new
    stand-in, whose module (and why) it returns."""
    namespace: dict[str, Any] = {"__file__": str(conf), "tags": Tags()}
    run = ConfRun(namespace, list(mocked))
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            run.imported.update((a.asname or a.name).split(".")[0] for a in statement.names)
        code = compile(ast.Module(body=[statement], type_ignores=[]), str(conf), "exec")
        try:
            with time_limit(STATEMENT_SECONDS, LOOPING):  # a loop for ever fails the line
                exec(code, namespace)  # conf.py is code: run as Sphinx runs it
        except (Exception, SystemExit) as error:  # any failure of the course's own code
            wanted = _needs_standin(error, statement, mocked, in_use)
            if wanted is not None and len(mocked) < MAX_STANDINS:
                return run, wanted
            run.skipped.append((statement.lineno, _one_line(error)))
        for name in sorted(_assigned(statement).intersection(VERSION_SETTINGS)):
            if name not in namespace or _holds_mock(namespace[name]):
                namespace[name] = FALLBACK_VERSION
                run.versions.append(name)
    return run, None


def run_conf(conf: Path) -> ConfRun:
    """``conf.py``'s namespace, with stand-ins for the modules that do not import here,
    and the statements that still fail skipped."""
    try:
        tree = ast.parse(conf.read_bytes(), filename=str(conf))
    except SyntaxError as error:
        raise ConfError(
            f"{conf}:{error.lineno}: there is a syntax error in your configuration file: "
            f"{error.msg}"
        ) from error
    mocked: list[str] = []
    broken: dict[str, str] = {}
    in_use = frozenset(name.split(".")[0] for name in list(sys.modules))
    while True:
        with stand_in_modules(mocked), _in_folder(conf.parent):
            run, wanted = _run_once(conf, tree, mocked, in_use)
        if wanted is None:
            break
        mocked.append(wanted[0])
        if wanted[1]:
            broken[wanted[0]] = wanted[1]
    run.broken = broken
    return run
