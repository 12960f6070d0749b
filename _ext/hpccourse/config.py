"""Every configuration value of the extension, with its type and default."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sphinx.application import Sphinx

from .doctree.collect import SHELL_LANGUAGES


def setup_config(app: Sphinx) -> None:
    """Register the configuration values (``conf.py`` may override each)."""
    # The data table, relative to the source folder.
    app.add_config_value("hpccourse_table", "clusters.toml", "env", types=frozenset({str}))
    # The live preview (`make livehtml` sets it): problems in a banner on the page, above
    # the page's last good output (hpccourse.diagnostics.banner).
    app.add_config_value("hpccourse_live", False, "", types=frozenset({bool}))
    # consolecheck: the folders that hold project storage on the course's clusters, e.g.
    # ["/proj", "/proj/nobackup"], where CC204 looks for a real user name, for a course
    # whose data table declares none (or that has no table); [] : none declared.
    app.add_config_value("consolecheck_project_roots", [], "", types=frozenset({list, tuple}))
    # Run consolecheck in any other build too (`make check` sets it on the html build):
    # the same report in consolecheck/ beside the build's output (builders/inbuild.py).
    # Not an "env" value: turning it on reads no page again.
    app.add_config_value("hpccourse_consolecheck", False, "", types=frozenset({bool}))
    # `hpccourse check` of a course that names sphinx-inline-tabs: its `tab` stands alone,
    # read under sphinx-tabs' name for it (directives/straytab.py), with no warning.
    app.add_config_value("hpccourse_standalone_tabs", False, "env", types=frozenset({bool}))
    # consolecheck rule codes to switch off, e.g. ["CC204"].
    app.add_config_value("consolecheck_disabled_rules", [], "", types=frozenset({list, tuple}))
    # Highlight languages whose blocks consolecheck always checks; blocks in any
    # other language are checked when a line starts with a shell prompt.
    app.add_config_value(
        "consolecheck_languages",
        sorted(SHELL_LANGUAGES),
        "",
        types=frozenset({list, tuple}),
    )
    # lessonrun: how `pip install` runs. "offline": from a wheelhouse of stand-in packages
    # the run builds itself (no network); "resolve": that too, and each install is first
    # resolved against the real index for the cluster's Python (wheels only).
    app.add_config_value("lessonrun_pip", "offline", "", types=frozenset({str}))
    # lessonrun: the time limit of one exercise's bash session, in seconds.
    app.add_config_value("lessonrun_timeout", 300, "", types=frozenset({int, float}))
    # lessonrun: clusters run side by side (0: all at once).
    app.add_config_value("lessonrun_jobs", 0, "", types=frozenset({int}))
    # lessonrun: the sections that are exercises (a regular expression matched against the
    # title of each section right under a page's title); their console blocks are run.
    app.add_config_value("lessonrun_exercises", r"^Exercise\b", "", types=frozenset({str}))
    # lessonrun: the cluster keys to run on ([]: every cluster of the table).
    app.add_config_value("lessonrun_clusters", [], "", types=frozenset({list, tuple}))
    # lessonrun: the course's stand-in package list (TOML, relative to the source folder):
    # the only packages an exercise's `pip install` finds offline ("": none).
    app.add_config_value("lessonrun_standins", "", "", types=frozenset({str}))
    # lessonrun: run the sessions with no kernel sandbox (bubblewrap), on a machine whose
    # kernel refuses namespaces. Only for lessons you trust: commands then run as you.
    app.add_config_value("lessonrun_unsandboxed", False, "", types=frozenset({bool, int}))
    # lessonrun: refuse, before running, the commands the static lint sees writing outside
    # the sandbox (an early, explained message; the sandbox is what stops them).
    app.add_config_value("lessonrun_lint", True, "", types=frozenset({bool, int}))
    # Every page's provenance line (html/pageinfo.py). The licence of the material and
    # its address; an "edit this page" address with {path} ("": no link); the source
    # version ("": `git describe`) and build date ("": SOURCE_DATE_EPOCH or today).
    app.add_config_value("hpccourse_licence", "", "html", types=frozenset({str}))
    app.add_config_value("hpccourse_licence_url", "", "html", types=frozenset({str}))
    app.add_config_value("hpccourse_edit_url", "", "html", types=frozenset({str}))
    app.add_config_value("hpccourse_source_version", "", "html", types=frozenset({str}))
    app.add_config_value("hpccourse_build_date", "", "html", types=frozenset({str}))
    # A Content-Security-Policy <meta> in every page (hpccourse.html.csp): scripts from the
    # site and the inline scripts Sphinx, the theme and extensions emit. False: no policy.
    app.add_config_value("hpccourse_csp", True, "html", types=frozenset({bool}))
    # The pages (docnames) whose content's own inline scripts may run (raw HTML); "env":
    # the pages are read again, for their warnings about blocked scripts.
    app.add_config_value(
        "hpccourse_csp_script_pages", [], "env", types=frozenset({list, tuple, set})
    )
    # The policy source of the live preview's reload script, for this run only
    # (hpccourse.preview sets it; "" in a published build).
    app.add_config_value("hpccourse_live_reload_hash", "", "html", types=frozenset({str}))


def conf_location(confdir: str | os.PathLike[str], name: str) -> str:
    """Where a warning about ``name`` points: ``conf.py:LINE``, the first line of the
    project's ``conf.py`` that sets the value ``name`` (``name = ...``) or names the
    extension ``name`` (``"name"``); line 1 when none does (a default, or ``-D``)."""
    path = Path(confdir) / "conf.py"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=|[\"']{re.escape(name)}[\"']")
    line = next((i for i, text in enumerate(lines, 1) if pattern.search(text)), 1)
    return f"{path}:{line}"
