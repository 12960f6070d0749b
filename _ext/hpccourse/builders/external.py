"""consolecheck over a Sphinx project that does not load hpccourse: ``hpccourse check``.

The project is not edited, and it runs as it is: **its ``conf.py`` is executed**, as
Sphinx executes it (it is code, and the check trusts it as a build would), one statement at
a time (:mod:`.confexec`): once, plus once more for each module it imports that does not
import here; a line that still fails is skipped and said. What it prints goes to
``sphinx.log``, never to the report. The build then runs with that
configuration and overrides: the extensions it lists that can be imported, plus
``hpccourse``; the rules switched off; the data table when one is named.

What this machine lacks is stood in for (:mod:`.standins`) and said, one line each:

- a module ``conf.py`` imports and cannot (``sphinx_lesson``, ``dateutil``, a package that
  breaks on such a stand-in): a stand-in; a setting holding one: Sphinx's default;
- an extension that cannot be imported: left out; sphinx-lesson's directives hpccourse
  provides; for the others, every directive and role no loaded extension defines is
  accepted and its content read (the blocks inside are checked), and named;
- the course's Markdown reader (myst-nb, brought by sphinx-lesson too) missing: ``.md``
  pages are read with myst-parser; its notebook reader (nbsphinx, myst-nb) missing: the
  check reads the notebooks' cells itself (:mod:`.notebooks`).

Files the course's own code writes into its docs folder meanwhile (a ``conf.py`` that
generates pages) are said in one note (:mod:`.confwrites`): the check cannot stop them.
Processes it started and left running are ended when the check ends, and named
(:mod:`.strays`).

The summary counts the pages read and lists, with why, those that were not. The
project's own table (``clusters.toml``, or its ``hpccourse_table``) is used when there
is one; a table that does not load stops the check (exit 2) with its located error.

The output folder holds only what the check writes (a stamp file marks it): a file,
or a folder holding anything else, is refused, so nothing of the caller's is overwritten.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sphinx.config
from sphinx.application import Sphinx
from sphinx.util.matching import Matcher
from sphinx.util.tags import Tags

from ..console.codes import RULES
from ..table import TableError, load_table
from . import autodocnote, confwrites, importmemo, strays
from .confexec import FALLBACK_VERSION, ConfError, ConfRun, run_conf
from .report import REPORT
from .standins import (
    Standins,
    accept_unknown,
    guarded_setup,
    stand_in_modules,
    tolerant_directives,
    tolerant_extensions,
)

#: Extensions whose directives hpccourse provides itself when they cannot be imported.
PROVIDED = {"sphinx_lesson": "its lesson directives are provided by hpccourse"}

#: Extensions that read Markdown (and notebooks): what they register, by suffix.
MARKDOWN_READERS = {
    "myst_nb": (".md", ".ipynb"),
    "sphinx_lesson": (".md", ".ipynb"),  # sets up myst_nb
    "myst_parser": (".md",),
    "recommonmark": (".md",),
    "m2r2": (".md",),
    "m2r": (".md",),
    "sphinx_mdinclude": (".md",),
}
#: The extension that reads notebooks as pages, and nothing else (none stands in for it).
NBSPHINX = "nbsphinx"
NOTEBOOK_READERS = {NBSPHINX: (".ipynb",)}

#: The file marking a folder as this command's output (``-o``).
STAMP = ".hpccourse-check"


class CheckError(Exception):
    """A project the check cannot run on (no conf.py, a broken one, a bad option)."""


@dataclass
class CheckRun:
    """What one ``hpccourse check`` found: the report, and what was left out or stood in."""

    report: dict[str, Any]
    srcdir: Path
    outdir: Path
    dropped: dict[str, str] = field(default_factory=dict)  # extension -> why
    sphinx_warnings: int = 0
    notes: list[str] = field(default_factory=list)  # what was stood in, one line each
    pages_read: int = 0
    not_read: dict[str, str] = field(default_factory=dict)  # page -> why

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
    """Whether the extension ``name`` imports here (its own imports included)."""
    try:
        importlib.import_module(name)
    except Exception:  # any failure means: not usable here
        return False
    return True


#: Sphinx's own doctest extension: its directives hold Python sessions.
DOCTEST = "sphinx.ext.doctest"
#: Sphinx's extension that needs a ``linkcode_resolve`` of the course's.
LINKCODE = "sphinx.ext.linkcode"


#: An extension whose ``tab`` directive stands alone, where sphinx-tabs' needs ``tabs``.
INLINE_TABS = "sphinx_inline_tabs"


def extensions_for(listed: list[str]) -> tuple[list[str], dict[str, str]]:
    """The project's extensions that load here, plus hpccourse; and those left out, with why."""
    kept: list[str] = []
    dropped: dict[str, str] = {}
    for name in listed:
        if name.split(".")[0] == "hpccourse" or _importable(name):
            kept.append(name)
        else:
            dropped[name] = PROVIDED.get(name, "not installed: a stand-in accepts its markup")
    wants_markdown = any(name in MARKDOWN_READERS for name in listed)
    reads_markdown = any(name in MARKDOWN_READERS for name in kept)
    if wants_markdown and not reads_markdown and _importable("myst_parser"):
        kept.append("myst_parser")
    if "hpccourse" not in kept:
        kept.append("hpccourse")
    return kept, dropped


@contextlib.contextmanager
def _quiet(log: io.StringIO) -> Iterator[None]:
    """What the course's code prints goes to the log, not to the caller's stdout: also
    what programs it starts print (``git describe`` in ``conf.py``), which write to the
    process's own file descriptors 1 and 2, past ``sys.stdout``."""
    sys.stdout.flush()
    sys.stderr.flush()
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(1), os.dup(2)
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            sink.seek(0)
            log.write(sink.read().decode("utf-8", errors="replace"))


def read_conf(confdir: Path, log: io.StringIO) -> ConfRun:
    """``conf.py`` run as :func:`.confexec.run_conf` runs it, what it prints kept in the log."""
    try:
        with _quiet(log):
            return run_conf(confdir / "conf.py")
    except ConfError as error:
        raise CheckError(str(error)) from error


def prepare_outdir(outdir: Path) -> None:
    """Make ``outdir`` this command's folder; refuse a file, or a folder holding other things."""
    if outdir.exists() or outdir.is_symlink():
        if not outdir.is_dir() or outdir.is_symlink():
            raise CheckError(f"{outdir}: not a folder: -o names the folder the report goes to")
        if any(outdir.iterdir()) and not (outdir / STAMP).is_file():
            raise CheckError(
                f"{outdir}: this folder holds files that are not an earlier check's output; "
                "name a new or empty folder with -o"
            )
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / STAMP).write_text("hpccourse check output: the folder may be replaced\n")


def _table_path(confdir: Path, namespace: dict[str, Any], table: Path | None) -> Path | None:
    """The table the check uses: ``--table``, else the project's own when there is one."""
    if table is not None:
        return table.resolve()
    own = confdir / str(namespace.get("hpccourse_table", "clusters.toml"))
    return own if own.exists() else None


def _suffixes(namespace: dict[str, Any], listed: list[str]) -> set[str]:
    """The page suffixes the course reads: its ``source_suffix`` and its readers'."""
    found = set(_root_page(namespace)[1])
    for name in listed:
        found.update(MARKDOWN_READERS.get(name, ()))
        found.update(NOTEBOOK_READERS.get(name, ()))
    return found or {".rst"}


def pages_not_read(
    app: Sphinx, suffixes: set[str], outdir: Path, notebooks: str = "myst-nb"
) -> dict[str, str]:
    """The course's pages (by the suffixes it reads) that this build did not read, and why
    (``notebooks``: the extension the course reads notebooks with)."""
    srcdir = Path(app.srcdir)
    registered = set(app.config.source_suffix)
    # what Sphinx leaves out when it looks for pages: exclude_patterns, the templates'
    # and assets' folders (a pattern naming a folder leaves out all under it)
    skipped = [*app.config.exclude_patterns, *app.config.templates_path]
    skipped += app.builder.get_asset_paths()
    excluded = Matcher([*skipped, *(f"{p.rstrip('/')}/**" for p in skipped), "**/.*", "**/_build"])
    read = set(app.env.found_docs)
    missing: dict[str, str] = {}
    for path in sorted(srcdir.rglob("*")):
        if path.suffix not in suffixes or not path.is_file() or outdir in path.parents:
            continue
        relative = path.relative_to(srcdir).as_posix()
        if excluded(relative) or app.env.path2doc(str(path)) in read:
            continue
        if path.suffix == ".ipynb":
            why = f"a notebook: {notebooks} reads notebooks and is not installed here"
        elif path.suffix not in registered:
            why = f"no reader for {path.suffix} pages here"
        else:
            why = "not found by the build"
        missing[relative] = why
    return missing


def _build(
    confdir: Path,
    outdir: Path,
    namespace: dict[str, Any],
    overrides: dict[str, Any],
    mocked: list[str],
    standins: Standins | None,
    record: Standins,
    log: io.StringIO,
) -> Sphinx:
    """The consolecheck build, with the namespace already read (``conf.py`` runs once)."""

    def evaluated(_filename: Path, _tags: Tags) -> dict[str, Any]:
        return dict(namespace)

    original = sphinx.config.eval_config_file
    sphinx.config.eval_config_file = evaluated
    try:
        with contextlib.ExitStack() as stack:
            # the course's handlers run where Read the Docs and `make` in the docs folder
            # run them: `open("../CHANGES")` is the project's, not the caller's
            stack.enter_context(contextlib.chdir(confdir))
            stack.enter_context(stand_in_modules(mocked))
            stack.enter_context(_quiet(log))
            stack.enter_context(tolerant_extensions(record))
            if standins is not None:
                stack.enter_context(accept_unknown(standins))
            stack.enter_context(tolerant_directives(record))
            stack.enter_context(importmemo.failures_remembered())
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
            return app
    finally:
        sphinx.config.eval_config_file = original


#: How many skipped ``conf.py`` lines are named one by one.
_SKIPPED_SAID = 5


def _conf_notes(conf: ConfRun) -> list[str]:
    """One line per module stood in, per ``conf.py`` line skipped, and for the settings
    whose value was a stand-in."""
    notes = [
        f"conf.py imports {name}, which fails to import here ({conf.broken[name]}): "
        "it got a stand-in module"
        if name in conf.broken
        else f"conf.py imports {name}, not installed here: it got a stand-in module"
        for name in conf.mocked
    ]
    notes += [
        f"conf.py:{line} failed here ({why}); skipped, the rest of conf.py ran"
        for line, why in conf.skipped[:_SKIPPED_SAID]
    ]
    if len(conf.skipped) > _SKIPPED_SAID:
        more = len(conf.skipped) - _SKIPPED_SAID
        notes.append(f"conf.py: {more} more lines failed here and were skipped")
    if conf.versions:
        notes.append(
            f"conf.py could not compute {', '.join(conf.versions)} here: set to "
            f"{FALLBACK_VERSION!r}, a version that parses"
        )
    if conf.dropped:
        notes.append(
            f"conf.py set {', '.join(conf.dropped)} from a stand-in: Sphinx's default used instead"
        )
    return notes


def _notes(standins: Standins, markdown: str) -> list[str]:
    """One line per stand-in: what the check did instead of what the course asked
    (``markdown``: the course's Markdown reader that myst-parser stood in for)."""
    notes: list[str] = []
    if markdown:
        notes.append(f"{markdown} is not installed here: .md pages were read with myst-parser")
    if standins.directives or standins.roles:
        names = [*(f"{d}::" for d in sorted(standins.directives))]
        names += [f":{r}:" for r in sorted(standins.roles)]
        notes.append(
            "stand-ins accepted the markup of the extensions left out, their content "
            f"read as text: {', '.join(names)}"
        )
    for name, why in standins.failed.items():
        notes.append(f"extension {name} failed to set up here ({why}); left out")
    for name, where in sorted(standins.crashed.items()):
        page, colon, rest = where.partition(":")
        if os.path.isabs(page):  # the page as findings name it: from the current folder
            where = f"{os.path.relpath(page)}{colon}{rest}"
        what = f"role {name}" if name.startswith(":") else f"directive {name}::"
        notes.append(f"{what} raised here (first at {where}); its content was read as text")
    if standins.setup_error:
        notes.append(f"conf.py's setup() failed ({standins.setup_error}); went on without it")
    for handler, why in standins.handlers.items():
        notes.append(f"{handler} stopped ({why}); went on without it")
    if standins.autodoc:
        shown = ", ".join(sorted(standins.autodoc)[:3]) + (
            ", ..." if len(standins.autodoc) > 3 else ""
        )
        notes.append(
            f"autodoc not run on {len(standins.autodoc)} objects of stand-in modules "
            f"({shown}); their directives' content was read as text"
        )
    return notes


def _root_page(namespace: dict[str, Any]) -> tuple[str, list[str]]:
    """The course's root page's name and the page suffixes its ``conf.py`` declares."""
    root = str(namespace.get("root_doc") or namespace.get("master_doc") or "index")
    declared = namespace.get("source_suffix", ".rst")
    return root, [declared] if isinstance(declared, str) else list(declared)


def _markdown_root(confdir: Path, namespace: dict[str, Any], extensions: list[str]) -> list[str]:
    """A note when the course's root page is Markdown but nothing here reads Markdown
    (``conf.py`` took its settings from a stand-in, ``globals().update(...)``): then
    myst-parser reads ``.md`` pages, or the build stops on a root page it cannot find."""
    if any(name in MARKDOWN_READERS for name in extensions) or not _importable("myst_parser"):
        return []
    root, suffixes = _root_page(namespace)
    if any((confdir / f"{root}{suffix}").is_file() for suffix in suffixes):
        return []
    if not (confdir / f"{root}.md").is_file():
        return []
    return [
        f"the root page is {root}.md, but conf.py names no Markdown reader that loads "
        "here: .md pages were read with myst-parser"
    ]


#: The check's own reader of notebooks (:mod:`.notebooks`), when the course's is missing.
NOTEBOOKS = "hpccourse.builders.notebooks"


def _notebook_reader(listed: list[str], extensions: list[str]) -> str:
    """The course's notebook reader (nbsphinx, myst-nb) when none it names loads here and
    myst-parser does (the check then reads the notebooks itself); else ""."""
    readers = [
        name
        for name in listed
        if ".ipynb" in (*MARKDOWN_READERS.get(name, ()), *NOTEBOOK_READERS.get(name, ()))
    ]
    if not readers or any(name in extensions for name in readers if name != "sphinx_lesson"):
        return ""
    if "sphinx_lesson" in readers and _importable("myst_nb"):
        return ""
    if not _importable("myst_parser"):
        return ""
    return "myst-nb" if readers[0] in ("myst_nb", "sphinx_lesson") else readers[0]


def _notebook_root(confdir: Path, namespace: dict[str, Any], dropped: dict[str, str]) -> None:
    """Stop with a clear error when the root page is a notebook nothing here reads: the
    build could read no page (nbval's course is one notebook, for nbsphinx)."""
    root, suffixes = _root_page(namespace)
    if any((confdir / f"{root}{suffix}").is_file() for suffix in [*suffixes, ".md"]):
        return
    if (confdir / f"{root}.ipynb").is_file() and NBSPHINX in dropped:
        raise CheckError(
            f"{confdir / root}.ipynb: the root page is a notebook, and nbsphinx, which reads "
            "notebooks, is not installed here: no page can be read (install nbsphinx)"
        )


def run_check(
    docs: Path,
    outdir: Path,
    *,
    disabled: Sequence[str] = (),
    table: Path | None = None,
    project_roots: Sequence[str] = (),
) -> CheckRun:
    """Build ``docs`` with the consolecheck builder into ``outdir``; its report. What
    the course's own code left running is ended when the check ends (:mod:`.strays`)."""
    ended: list[str] = []
    with strays.ended_after(ended):
        run = _run_check(docs, outdir, disabled=disabled, table=table, project_roots=project_roots)
    run.notes.extend(strays.note(ended))
    return run


def _run_check(
    docs: Path,
    outdir: Path,
    *,
    disabled: Sequence[str],
    table: Path | None,
    project_roots: Sequence[str],
) -> CheckRun:
    docs, outdir = docs.resolve(), outdir.resolve()  # conf.py runs in its own folder
    confdir = find_confdir(docs)
    prepare_outdir(outdir)
    log = io.StringIO()
    kept = confwrites.keep(confdir, outdir)
    try:
        return _check_kept(docs, outdir, confdir, log, kept, disabled, table, project_roots)
    except BaseException:  # a stop, a failed build, Ctrl-C: the folder as it was, always
        confwrites.put_back(kept, outdir)  # (a failed build has done so and said it)
        raise


def _check_kept(
    docs: Path,
    outdir: Path,
    confdir: Path,
    log: io.StringIO,
    kept: confwrites.Kept,
    disabled: Sequence[str],
    table: Path | None,
    project_roots: Sequence[str],
) -> CheckRun:
    """:func:`_run_check` once the docs folder is kept aside (:mod:`.confwrites`)."""
    conf = read_conf(confdir, log)
    namespace, mocked = conf.config(), conf.mocked
    record = Standins(modules=mocked)
    if callable(namespace.get("setup")):
        namespace["setup"] = guarded_setup(namespace["setup"], record)
    listed = [str(name) for name in namespace.get("extensions", [])]
    with _quiet(log):  # importing a course's extensions may print too
        extensions, dropped = extensions_for(listed)
    # markup of an extension left out, or of one a conf.py line that failed here would
    # have named (its extension list fetched over the network): stand-ins read it
    lost = conf.skipped or conf.dropped
    standins = record if lost or any(name not in PROVIDED for name in dropped) else None
    if lost and DOCTEST not in extensions:
        extensions.insert(0, DOCTEST)  # its `.. doctest::` sessions are blocks to check
    if LINKCODE in extensions and not callable(namespace.get("linkcode_resolve")):
        # its resolver came from what is missing here (scanpydoc, a stand-in); the
        # extension only links objects to their source, and stops the build without one
        extensions.remove(LINKCODE)
        dropped[LINKCODE] = "conf.py's linkcode_resolve is missing here; it only links to source"
    notebooks = _notebook_reader(listed, extensions)
    if notebooks:
        extensions.append(NOTEBOOKS)
    else:
        _notebook_root(confdir, namespace, dropped)
    root_md = _markdown_root(confdir, namespace, extensions)
    if root_md:
        extensions.insert(0, "myst_parser")
        listed = [*listed, "myst_parser"]  # its pages count among those to read
    markdown = ""
    if "myst_parser" in extensions and "myst_parser" not in listed:
        readers = [name for name in listed if name in MARKDOWN_READERS]
        markdown = (
            "myst-nb" if not readers or readers[0] in ("myst_nb", "sphinx_lesson") else readers[0]
        )
    own_disabled = list(namespace.get("consolecheck_disabled_rules", []))
    overrides: dict[str, Any] = {
        "extensions": extensions,
        "consolecheck_disabled_rules": sorted({*own_disabled, *disabled}),
    }
    if INLINE_TABS in listed:
        overrides["hpccourse_standalone_tabs"] = True  # its `tab` needs no `tabs` around it
    if "sphinx.ext.intersphinx" in extensions:
        overrides["intersphinx_mapping"] = {}  # no download: the check resolves no links
    if "sphinx.ext.autosummary" in extensions:
        # autosummary writes its stub pages into the course's folder (the check edits
        # nothing there), importing the course's modules to do so
        overrides["autosummary_generate"] = False
    if markdown:
        overrides["source_suffix"] = {".rst": "restructuredtext", ".md": "markdown"}
    if project_roots:
        overrides["consolecheck_project_roots"] = list(project_roots)
    table_file = _table_path(confdir, namespace, table)
    if table_file is not None:
        try:
            load_table(table_file)
        except TableError as error:
            raise CheckError(f"the data table does not load: {error}") from error
        overrides["hpccourse_table"] = os.path.relpath(table_file, confdir.resolve())
    try:
        app = _build(confdir, outdir, namespace, overrides, mocked, standins, record, log)
    except (Exception, BaseExceptionGroup) as error:  # the course's code may raise anything
        (outdir / "sphinx.log").write_text(log.getvalue(), encoding="utf-8")
        # what conf.py could not do here is the likeliest cause: said on the same line
        said = "; ".join([*_conf_notes(conf), *confwrites.note(*confwrites.put_back(kept, outdir))])
        raise CheckError(
            f"{docs}: the build failed: {error}" + (f" (before it: {said})" if said else "")
        ) from error
    wrote_note = confwrites.note(*confwrites.put_back(kept, outdir))
    text = log.getvalue()
    (outdir / "sphinx.log").write_text(text, encoding="utf-8")
    report = json.loads((outdir / REPORT).read_text(encoding="utf-8"))
    warnings = sum(
        1
        for line in text.splitlines()
        if ("WARNING:" in line or "ERROR:" in line) and "[consolecheck." not in line
    )
    return CheckRun(
        report,
        confdir,
        outdir,
        dropped,
        warnings,
        notes=[
            *_conf_notes(conf),
            *_notes(record, markdown),
            *(
                [
                    f"{notebooks} is not installed here: notebooks were read by the check "
                    "(their Markdown and code cells; outputs left out, nothing run)"
                ]
                if notebooks
                else []
            ),
            *root_md,
            *wrote_note,
            *autodocnote.not_imported(text),
        ],
        pages_read=len(app.env.found_docs),
        not_read=pages_not_read(
            app,
            _suffixes(namespace, listed),
            outdir,
            "nbsphinx" if NBSPHINX in dropped else "myst-nb",
        ),
    )
