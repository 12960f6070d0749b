"""The ``consolecheck`` builder: collect -> check -> report.

Like ``sphinx.ext.doctest``: it takes every document's console blocks, collected while
the page was read (:mod:`.blockcache`, over :mod:`hpccourse.doctree.collect`), checks
them in order (:func:`hpccourse.console.check.check_document`, Sphinx-free), and writes

- ``output.txt``: one ``file:line: CODE message`` line per problem, the blocks it could
  not reach (inside a directive nobody registered), then a summary;
- ``report.json``: one entry per block (location, cluster, commands, status, problems),
  and the blocks not reached (``unreached``).

Each problem is also a Sphinx warning (``type="consolecheck"``, subtype = the
code) at the ``.rst`` line of the offending command, emitted after both files
are written so that ``-W`` cannot lose them. The exit status is 1 when a block
fails (set from ``build-finished``, as ``Builder.app`` is deprecated).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import __
from sphinx.util import logging

from ..console.check import check_document
from ..console.model import Block, BlockResult, CopyButton, RuleContext
from ..console.rules import project_word
from ..doctree.collect import relative_source
from ..doctree.unreached import RecordUnreached, Unreached
from ..table import TableError, project_table, table_path
from . import blockcache, resultcache
from .base import SiteCheckBuilder, add_check_builder
from .blockcache import cached_pages, cluster_lookup, collect_page, collection_key
from .report import Encoded, Finding, write_report
from .resultcache import PageResults, result_cache

logger = logging.getLogger(__name__)


def load_context(
    srcdir: Path, config: Config, disabled: Iterable[str]
) -> tuple[RuleContext, Callable[[str], str | None]]:
    """The rules' view of the data table, and a tab label -> cluster key lookup.

    A missing or broken table is reported by the directives that use it; here
    the checker then simply knows no cluster facts.
    """
    off = frozenset(disabled)
    declared = tuple(config.consolecheck_project_roots)
    table = project_table(srcdir, config)
    if isinstance(table, TableError):
        logger.info(__("consolecheck: no cluster facts (%s)"), table)
        return RuleContext(disabled=off, project_roots=declared), lambda _label: None

    placeholder: dict[str, str] = {}
    roots: dict[str, str] = {}
    for cluster in table.clusters:
        placeholder[cluster.key] = cluster.placeholder
        if "storage_root" in cluster.facts:
            roots[cluster.key] = table.fact(cluster, "storage_root")
    context = RuleContext(
        placeholder=placeholder,
        storage_roots=roots,
        project_roots=table.course.project_roots or declared,
        modules=table.modules_by_cluster(),
        disabled=off,
    )

    def cluster_for_label(label: str) -> str | None:
        found = table.cluster_for_label(label)
        return found.key if found is not None else None

    return context, cluster_for_label


#: The environment attribute holding :class:`TableView`, kept from the html build.
ENV_VIEW = "hpc_table_view"


@dataclass(frozen=True)
class TableView:
    """What consolecheck needs of the table, kept in the environment by the build that
    read the pages (which had the table loaded anyway): a later consolecheck over the
    same doctrees then loads no table. ``stamp`` says which table file it is of."""

    stamp: tuple[Any, ...]
    context: RuleContext
    names: tuple[Any, ...]


def table_stamp(srcdir: Path, config: Config) -> tuple[Any, ...]:
    """Which table file, as it is now, and the settings the rules' view depends on."""
    path = table_path(srcdir, config)
    try:
        status = os.stat(path)
        found: tuple[Any, ...] = (status.st_mtime_ns, status.st_size, status.st_ino)
    except OSError:
        found = ()
    return (path, *found, tuple(config.consolecheck_project_roots))


def _keep_view(app: Sphinx, env: Any) -> None:
    """After reading: keep the rules' view of the table in the environment (once per
    version of the table file)."""
    srcdir = Path(app.srcdir)
    stamp = table_stamp(srcdir, app.config)
    view = getattr(env, ENV_VIEW, None)
    if isinstance(view, TableView) and view.stamp == stamp:
        return
    context, _lookup = load_context(srcdir, app.config, ())
    names, _ = cluster_lookup(srcdir, app.config)
    setattr(env, ENV_VIEW, TableView(stamp, context, names))


def copy_button_settings(config: Config) -> CopyButton | None:
    """The course's sphinx-copybutton settings (None when it has no copy buttons): what the
    copy button does with a block decides CC001's message."""
    if "sphinx_copybutton" not in config.extensions:
        return None
    defaults = CopyButton()
    return CopyButton(
        prompt_text=str(getattr(config, "copybutton_prompt_text", defaults.prompt_text)),
        is_regexp=bool(getattr(config, "copybutton_prompt_is_regexp", defaults.is_regexp)),
        only_prompt_lines=bool(
            getattr(config, "copybutton_only_copy_prompt_lines", defaults.only_prompt_lines)
        ),
        exclude=str(getattr(config, "copybutton_exclude", defaults.exclude)),
    )


def unreached_line(srcdir: Path, block: Unreached) -> str:
    """One ``output.txt`` line for a block the checker could not reach."""
    return (
        f"{_source(srcdir, block.source)}:{block.line}: not checked: a `{block.language}` block "
        f"inside `{block.directive}`, a directive no extension of this project defines "
        f"(its content is dropped from the built page)"
    )


def _source(srcdir: Path, source: str) -> str:
    """A file as ``report.json`` names it, as the blocks' ``source``."""
    return relative_source(source, srcdir)


def problem_line(block: Block, offset: int) -> int:
    """The ``.rst`` line of a problem: the offending line for a hand-written block;
    the directive's line for a generated one (its lines are not in the ``.rst``); the
    row's own line when the block names each row's (:mod:`hpccourse.doctree.includes`)."""
    return block.line_at(offset)


def where(block: Block) -> str:
    """What a generated block's problems add to their message: cluster, step, table line;
    what pulled the block in when it is reported there (a docstring, at its autodoc)."""
    if block.within:
        return f" (in {block.within})"
    if not block.data_source:
        return ""
    step = f", step {block.step}" if block.step else ""
    return f" [cluster {block.cluster}{step}, {block.data_source}:{block.data_line}]"


def report_entry(result: BlockResult) -> dict[str, Any]:
    """One block of ``report.json``."""
    block = result.block
    return {
        "docname": block.docname,
        "source": block.source,
        "line": block.line,
        "data_source": block.data_source,
        "data_line": block.data_line,
        "cluster": block.cluster,
        "step": block.step,
        "language": block.language,
        "commands": [command.text for command in result.commands],
        "status": result.status,
        "problems": [
            {
                "code": problem.code,
                "message": problem.message + where(block),
                "line": problem_line(block, problem.offset),
            }
            for problem in result.problems
        ],
    }


#: Between two entries of a list :func:`report_entry` made, as ``json.dumps`` writes it:
#: no string holds it (a ``"`` in one is escaped).
_BETWEEN_ENTRIES = '}, {"docname": '


def encoded_entries(results: Sequence[BlockResult]) -> tuple[str, ...]:
    """Each result's ``report.json`` entry as JSON text: one ``json.dumps`` of the page's
    entries, cut between them. A call each costs more than the encoding itself (a new C
    encoder each time): 10,000 calls were a fifth of consolecheck's report."""
    if not results:
        return ()
    cut = json.dumps([report_entry(result) for result in results])[1:-1].split(_BETWEEN_ENTRIES)
    if len(cut) != len(results):  # not as json.dumps writes a list of dicts: one by one
        return tuple(json.dumps(report_entry(result)) for result in results)
    head = _BETWEEN_ENTRIES[len("}, ") :]
    return tuple(
        f"{'' if i == 0 else head}{part}{'' if i == len(cut) - 1 else '}'}"
        for i, part in enumerate(cut)
    )


def summary(results: Sequence[BlockResult], unreached: int = 0) -> str:
    """The closing lines of ``output.txt``."""
    counts = {status: 0 for status in ("ok", "failed", "skipped")}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    header = "Console check summary"
    return (
        f"\n{header}\n{'=' * len(header)}\n"
        f"{len(results):5} blocks checked\n"
        f"{counts['ok']:5} passed\n"
        f"{counts['failed']:5} failed\n"
        f"{counts['skipped']:5} skipped\n"
        f"{unreached:5} not reached (inside an unknown directive)\n"
    )


def once_per_block(results: Sequence[BlockResult]) -> list[BlockResult]:
    """Each block once: a file included by several pages gives its blocks to each, and
    each finding is reported once, at the included file's line (the first page's result,
    with the problems only a later page's session found added). A finding another block
    gave already (the same file's line, included with other ``:lines:``) is dropped, and
    with it a block left with none."""
    kept: dict[tuple[str, int, str | None, str], BlockResult] = {}
    for result in results:
        block = result.block
        key = (block.source, block.line, block.cluster, block.text)
        first = kept.get(key)
        if first is None:
            kept[key] = result
            continue
        seen = {(p.code, p.offset, p.message) for p in first.problems}
        extra = [p for p in result.problems if (p.code, p.offset, p.message) not in seen]
        if extra:
            problems = sorted([*first.problems, *extra], key=lambda p: (p.offset, p.code))
            kept[key] = dataclasses.replace(first, problems=problems, status="failed")
    given: set[tuple[str, int, str, str]] = set()
    once: list[BlockResult] = []
    for result in kept.values():
        block, fresh = result.block, []
        for problem in result.problems:
            finding = (block.source, problem_line(block, problem.offset), problem.code)
            message = problem.message + where(block)
            if (*finding, message) not in given:
                given.add((*finding, message))
                fresh.append(problem)
        if len(fresh) == len(result.problems):
            once.append(result)
        elif fresh:
            once.append(dataclasses.replace(result, problems=fresh))
    return once


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: the check makes many short-lived objects and
    no cycles, so a collection then only walks the build's whole heap again (on the bench's
    course, a third of the check's time inside the html build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class SiteConsoleCheck:
    """One check of the site's console blocks: what the ``consolecheck`` builder runs, and
    an html build with ``hpccourse_consolecheck`` on (:mod:`.inbuild`) over the same
    environment. Each page's results are kept in the environment (:mod:`.resultcache`):
    a page whose blocks, rules' view and checker are as they were is not checked again."""

    def __init__(self, srcdir: Path, config: Config, env: Any) -> None:
        """Read the table once (or take the view the reading build kept); no results yet."""
        self.srcdir, self.config, self.env = srcdir, config, env
        self.results: list[BlockResult] = []
        self.unreached: list[Unreached] = []
        self.pages: list[PageResults] = []  # each page's results, as checked or kept
        self.checked = self.kept = 0  # pages checked now, pages whose results were kept
        disabled = frozenset(config.consolecheck_disabled_rules)
        view = getattr(env, ENV_VIEW, None)
        if isinstance(view, TableView) and view.stamp == table_stamp(srcdir, config):
            context, self.names = view.context, view.names  # the table is not loaded
        else:
            context, _lookup = load_context(srcdir, config, ())
            self.names = cluster_lookup(srcdir, config)[0]
        self.context = dataclasses.replace(
            context,
            disabled=disabled,
            copy_button=copy_button_settings(config),
            project=project_word(str(config.project or "")),
        )

    def check(self, docnames: Iterable[str]) -> None:
        """Check each document's blocks, in a stable order: those collected when the page
        was read (:mod:`.blockcache`), or, when they were collected under another
        configuration or table, those of its doctree; results kept from an earlier check
        of the same blocks are taken as they are."""
        with cyclic_gc_paused():
            self._check(docnames)

    def _check(self, docnames: Iterable[str]) -> None:
        key = collection_key(self.config, self.names)
        pages = cached_pages(self.env)
        done = result_cache(self.env, self.context)
        languages = frozenset(self.config.consolecheck_languages)
        lookup = None
        for docname in sorted(docnames):
            page = pages.get(docname)
            if page is None or page.key != key:
                if lookup is None:
                    lookup = cluster_lookup(self.srcdir, self.config)[1]
                doctree = self.env.get_doctree(docname)
                page = collect_page(doctree, docname, self.srcdir, self.config, lookup, key)
            stored = done.pages.get(docname)
            if isinstance(stored, PageResults) and stored.blocks == page:
                self.kept += 1
            else:
                results = tuple(check_document(page.blocks, self.context)) if page.blocks else ()
                stored = done.pages[docname] = PageResults(page, results)
                self.checked += 1
            self.pages.append(stored)
            self.results.extend(stored.results)
            self.unreached.extend(
                block for block in page.unreached if block.has_prompt or block.language in languages
            )

    def entries(self) -> dict[int, str]:
        """id(result) -> its ``report.json`` entry, for every page's results: kept from the
        report that first had them, written now for the others (and kept)."""
        found: dict[int, str] = {}
        for page in self.pages:
            if page.entries is None:
                page.entries = encoded_entries(page.results)
            found.update(zip(map(id, page.results), page.entries, strict=True))
        return found

    def report(self, outdir: str | Path) -> int:
        """Write ``output.txt`` and ``report.json`` first, then raise the warnings (``-W``
        may stop at one); the number of blocks that failed."""
        with cyclic_gc_paused():
            text, report, findings = self._report()
        write_report(outdir, text, report, findings, logger=logger)
        return sum(result.status == "failed" for result in self.results)

    def _report(self) -> tuple[str, dict[str, Any], list[Finding]]:
        """``output.txt``'s text, ``report.json``'s data and the warnings."""
        written = self.entries()
        self.results = once_per_block(self.results)
        lines = [
            f"{result.block.source}:{problem_line(result.block, problem.offset)}: "
            f"{problem.code} {problem.message}{where(result.block)}"
            for result in self.results
            for problem in result.problems
        ]
        srcdir = self.srcdir
        lines += [unreached_line(srcdir, block) for block in self.unreached]
        done = summary(self.results, len(self.unreached))
        text = "".join(f"{line}\n" for line in lines) + done
        report = {
            # A result once_per_block merged is a new one: its entry is written now.
            "blocks": Encoded(
                written.get(id(result)) or json.dumps(report_entry(result))
                for result in self.results
            ),
            "unreached": [
                {
                    "source": _source(srcdir, block.source),
                    "line": block.line,
                    "language": block.language,
                    "directive": block.directive,
                }
                for block in self.unreached
            ],
        }
        logger.info(done)
        findings = [
            Finding(
                f"{problem.code} {problem.message}{where(result.block)}",
                f"{os.path.normpath(srcdir / result.block.source)}:"
                f"{problem_line(result.block, problem.offset)}",
                "consolecheck",
                problem.code,
            )
            for result in self.results
            for problem in result.problems
        ]
        return text, report, findings


class ConsoleCheckBuilder(SiteCheckBuilder):
    """Checks every console block of the site; see the module docstring."""

    name = "consolecheck"
    epilog = __(
        "Checking of console blocks finished, look at the results in %(outdir)s/output.txt."
    )

    def init(self) -> None:
        """Read the table once; start with no results."""
        self.failures = 0
        self.site = SiteConsoleCheck(Path(self.srcdir), self.config, self.env)

    def write_documents(self, docnames: Set[str]) -> None:
        """Check each document's blocks (:meth:`SiteConsoleCheck.check`)."""
        self.site.check(docnames)

    def finish(self) -> None:
        """Write the report, then raise the warnings."""
        self.failures = self.site.report(self.outdir)


def register(app: Sphinx) -> None:
    """Register the builder and its exit-status hook (from the package's ``setup``)."""
    add_check_builder(app, ConsoleCheckBuilder)
    # At read time, for every builder: the doctree cache is shared.
    app.add_transform(RecordUnreached)
    blockcache.register(app)
    resultcache.register(app)
    app.connect("env-updated", _keep_view)


def setup(app: Sphinx) -> dict[str, Any]:
    """The ``sphinx.builders`` entry point: ``-b consolecheck`` loads the whole extension."""
    app.setup_extension("hpccourse")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
