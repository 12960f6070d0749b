"""Each page says where it comes from: build date, source version, licence, edit link.

At the end of every html page's content, one line: "Built on DATE from version
VERSION. The material is licensed under LICENCE. Edit this page." Each part only
when known:

- the date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today (UTC);
- the version: ``hpccourse_source_version`` when set, else ``git describe --tags
  --always --dirty`` in the source folder; without git or a repository, none;
- the licence: ``hpccourse_licence`` (its name) and ``hpccourse_licence_url``;
- the edit link: ``hpccourse_edit_url``, an address with ``{path}`` (the page's source
  file, relative to the source folder); empty: no link.

The date and version are resolved once, into configuration values that only the
html output depends on, so a new version rewrites every page (without reading any
source again).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Mapping
from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..config import conf_location

logger = logging.getLogger(__name__)


def build_date(environ: Mapping[str, str] = os.environ) -> str:
    """The build's date, ISO: from ``SOURCE_DATE_EPOCH`` if set, else today in UTC."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return dt.datetime.now(dt.UTC).date().isoformat()


def git_version(folder: str) -> str:
    """``git describe --tags --always --dirty`` in ``folder``; "" without git or a repo."""
    git = shutil.which("git")
    if git is None:
        return ""
    try:
        result = subprocess.run(
            [git, "describe", "--tags", "--always", "--dirty"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _resolve(app: Sphinx, config: Config) -> None:
    """On ``config-inited``: fill in the date and version; check the edit address."""
    if not config.hpccourse_build_date:
        config.hpccourse_build_date = build_date()
    if not config.hpccourse_source_version:
        config.hpccourse_source_version = git_version(app.srcdir)
    url = config.hpccourse_edit_url
    if url and ("{path}" not in url or not url.startswith(("https://", "http://"))):
        logger.warning(
            "hpccourse_edit_url must be an http(s) address with {path} (the page's source "
            "file), e.g. https://github.com/ORG/REPO/edit/main/{path}; got %r: no edit links",
            url,
            location=conf_location(app.confdir, "hpccourse_edit_url"),
            type="hpccourse",
            subtype="pageinfo",
        )
        config.hpccourse_edit_url = ""


def pageinfo_html(config: Config, source_path: str | None) -> str:
    """The provenance line of one page (``source_path``: its source, relative)."""
    parts = []
    built = f"Built on {escape(config.hpccourse_build_date)}"
    if config.hpccourse_source_version:
        version = escape(config.hpccourse_source_version)
        built += f' from version <span class="hpccourse-version">{version}</span>'
    parts.append(built + ".")
    if config.hpccourse_licence:
        name = escape(config.hpccourse_licence)
        if config.hpccourse_licence_url:
            name = f'<a rel="license" href="{escape(config.hpccourse_licence_url)}">{name}</a>'
        parts.append(f"The material is licensed under {name}.")
    if config.hpccourse_edit_url and source_path:
        href = escape(config.hpccourse_edit_url.replace("{path}", source_path))
        parts.append(f'<a class="hpccourse-edit" href="{href}">Edit this page</a>.')
    return '<div class="hpccourse-pageinfo"><p>' + " ".join(parts) + "</p></div>"


def _add_pageinfo(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    if doctree is None or not isinstance(context.get("body"), str):
        return
    source = os.path.relpath(app.env.doc2path(pagename), app.srcdir).replace(os.sep, "/")
    context["body"] += pageinfo_html(app.config, source)


def setup(app: Sphinx) -> None:
    """Resolve the date and version once; add the line to every page with content."""
    app.connect("config-inited", _resolve)
    app.connect("html-page-context", _add_pageinfo)
