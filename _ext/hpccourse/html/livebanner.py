"""The live preview shows the build's problems in the page, above its last good output.

With ``hpccourse_live = True`` (``make livehtml`` sets it) and an HTML builder:

- every warning of the build (the ones kept from earlier builds included) is collected
  with its ``path:line``;
- a page that has a problem (in its file, a file it includes, or the data table when it
  uses the table) keeps the body of its last build without one, so a broken table does
  not blank its tab sets;
- every page written shows a banner listing the problems, each at its file and line,
  linking to the page it concerns;
- when the list changes, every page showing an older list is written again, so a fixed
  problem leaves every banner.

The last good bodies and what each page's banner showed are kept beside the doctrees.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.logging import NAMESPACE, WarningLogRecordTranslator, WarningSuppressor

from ..directives import deps

BANNER_CLASS = "hpccourse-build-problems"


@dataclass(frozen=True)
class Problem:
    """One warning: ``path:line`` (or ``path:``, or empty) and its text."""

    location: str
    message: str

    @property
    def path(self) -> str:
        return self.location.rpartition(":")[0] if ":" in self.location else self.location


class _Collector(logging.Handler):
    """Collects the build's warnings, located the way Sphinx prints them."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.suppress = WarningSuppressor(app)
        self.translate = WarningLogRecordTranslator(app)
        self.problems: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        copy = logging.makeLogRecord(record.__dict__)  # other handlers translate their own
        if not self.suppress.filter(copy) or not self.translate.filter(copy):
            return
        # The plain message: Sphinx's records put the location and "WARNING:" in theirs.
        message = logging.LogRecord.getMessage(copy)
        problem = Problem(str(getattr(copy, "location", "") or ""), message)
        if problem not in self.problems:
            self.problems.append(problem)


def live(app: Sphinx) -> bool:
    return bool(app.config.hpccourse_live) and app.builder.format == "html"


def _store(app: Sphinx) -> Path:
    return Path(app.doctreedir, "hpccourse-live")


def start(app: Sphinx) -> None:
    """``builder-inited``: collect warnings; keep compiled templates between builds."""
    if not live(app):
        return
    app.hpccourse_problems = _Collector(app)  # type: ignore[attr-defined]
    logging.getLogger(NAMESPACE).addHandler(app.hpccourse_problems)  # type: ignore[attr-defined]
    cache = _store(app) / "templates"
    cache.mkdir(parents=True, exist_ok=True)
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.bytecode_cache = FileSystemBytecodeCache(str(cache))


def stop(app: Sphinx, exc: BaseException | None) -> None:
    """``build-finished``: stop collecting."""
    collector = getattr(app, "hpccourse_problems", None)
    if collector is not None:
        logging.getLogger(NAMESPACE).removeHandler(collector)


def problems(app: Sphinx) -> list[Problem]:
    collector = getattr(app, "hpccourse_problems", None)
    return list(collector.problems) if collector is not None else []


def digest(found: list[Problem]) -> str:
    return hashlib.blake2b(repr(found).encode(), digest_size=12).hexdigest()


def _shown(app: Sphinx) -> dict[str, str]:
    """pagename -> digest of the problems its banner lists (as last written)."""
    try:
        return json.loads((_store(app) / "shown.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def outdated_banners(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: the pages whose banner lists other problems than now."""
    if not live(app):
        return []
    now = digest(problems(app))
    return sorted(
        page for page, shown in _shown(app).items() if shown != now and page in env.all_docs
    )


def files_of(env: BuildEnvironment, docname: str) -> set[str]:
    """The files a page is made from: its source, what it includes, the table it uses."""
    files = {os.path.normpath(env.doc2path(docname))}
    for dependency in env.dependencies.get(docname, ()):
        files.add(os.path.normpath(os.path.join(env.srcdir, dependency)))
    if deps.uses(env).get(docname):
        files.add(os.path.normpath(os.path.join(env.srcdir, env.config.hpccourse_table)))
    return files


def page_of(env: BuildEnvironment, problem: Problem) -> str | None:
    """The page a problem concerns: the one whose file (or included file) it names."""
    path = os.path.normpath(problem.path) if problem.path else ""
    docname = env.path2doc(path) if path else None
    if docname is not None:
        return docname
    for candidate, included in env.dependencies.items():
        if any(os.path.normpath(os.path.join(env.srcdir, f)) == path for f in included):
            return candidate
    return None


def banner(app: Sphinx, pagename: str, found: list[Problem]) -> str:
    """The banner's HTML: each problem at its file and line, linking to its page."""
    env = app.env
    items = []
    for problem in found:
        where = problem.location
        if where.startswith(str(app.srcdir)):
            where = os.path.relpath(where, app.srcdir)
        text = f"<code>{html.escape(where)}</code> {html.escape(problem.message)}"
        target = page_of(env, problem)
        if target is not None:
            uri = app.builder.get_relative_uri(pagename, target)
            uri = uri or os.path.basename(app.builder.get_target_uri(target)) or "#"
            text = f'<a href="{html.escape(uri)}">{text}</a>'
        items.append(f"<li>{text}</li>")
    count = f"{len(found)} problem{'s' if len(found) != 1 else ''}"
    return (
        f'<div class="admonition error {BANNER_CLASS}" role="alert">'
        f'<p class="admonition-title">This build has {count}; a page with one shows '
        "its last good version below</p>"
        f"<ul>{''.join(items)}</ul></div>"
    )


def page_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``: the last good body for a page with a problem; the banner."""
    if not live(app) or doctree is None or "body" not in context:
        return
    found = problems(app)
    files = files_of(app.env, pagename)
    good = _store(app) / "good" / f"{pagename}.html"
    if any(os.path.normpath(p.path) in files for p in found if p.path):
        if good.is_file():
            context["body"] = good.read_text(encoding="utf-8")
    else:
        good.parent.mkdir(parents=True, exist_ok=True)
        good.write_text(context["body"], encoding="utf-8")
    shown = _shown(app)
    if found:
        context["body"] = banner(app, pagename, found) + context["body"]
        shown[pagename] = digest(found)
    else:
        shown.pop(pagename, None)
    (_store(app) / "shown.json").write_text(json.dumps(shown), encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", start)
    app.connect("env-get-updated", outdated_banners)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", stop)
