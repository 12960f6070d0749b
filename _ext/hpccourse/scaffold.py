"""``hpccourse init DIR``: a new course that builds, checks and runs as written.

The files come from ``coursetemplate/``, package data shipped in the wheel: ``conf.py``,
``clusters.toml`` (two example clusters, commented), a landing page and one lesson (RST,
or MyST Markdown with ``--myst``), ``standins.toml``, a ``Makefile`` (html, check, test,
consolecheck, lessonrun, livehtml, venv), ``.gitignore``, ``requirements.txt``, a CI
workflow pinned by commit and ``.readthedocs.yaml``. ``@@NAME@@`` marks in a template
are filled in here; nothing else is generated. No Sphinx: ``--help`` stays quick.

``DIR`` may exist and hold other files (a virtual environment made first, a ``.git``);
init never overwrites one: a file it would write that exists already is an error, and
then it writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import __version__

TEMPLATES = Path(__file__).with_name("coursetemplate")
DIST_NAME = "sphinx-hpccourse"


@dataclass(frozen=True)
class Options:
    """What the new course is: its title, and the lesson's format."""

    project: str
    myst: bool = False


def destinations(options: Options) -> dict[str, str]:
    """Template file (under coursetemplate/) -> the file it becomes in the course.

    Dotted names are stored without their dot, so that packaging tools keep them, and
    conf.py as conf.py.in, no module of the package."""
    lesson = "lesson.md" if options.myst else "lesson.rst"
    files = {
        "conf.py.in": "conf.py",
        "clusters.toml": "clusters.toml",
        "standins.toml": "standins.toml",
        "index.rst": "index.rst",
        lesson: lesson,
        "Makefile": "Makefile",
        "gitignore": ".gitignore",
        "requirements.txt": "requirements.txt",
        "readthedocs.yaml": ".readthedocs.yaml",
        "github/workflows/site.yml": ".github/workflows/site.yml",
    }
    return files


def requirement(extras: list[str]) -> str:
    """The line of ``requirements.txt`` that installs this package as it is installed here.

    From a git address (``pip install "sphinx-hpccourse @ git+URL"``): that address at the
    installed commit. Otherwise (a wheel, a clone, PyPI) the version, which CI and Read the
    Docs find once the package is on PyPI; the comment says what to write until then."""
    name = f"{DIST_NAME}[{','.join(extras)}]"
    try:
        direct = json.loads(metadata.distribution(DIST_NAME).read_text("direct_url.json") or "{}")
    except metadata.PackageNotFoundError:
        direct = {}
    vcs = direct.get("vcs_info", {})
    if vcs.get("vcs") == "git" and direct.get("url"):
        return f"{name} @ git+{direct['url']}@{vcs['commit_id']}"
    return (
        "# Until sphinx-hpccourse is on PyPI, write its git address instead:\n"
        f"# {name} @ git+https://github.com/[owner]/[repository]\n{name}=={__version__}"
    )


def fill(text: str, options: Options) -> str:
    myst = (
        "\n# Lessons in MyST Markdown (.md): ```{directive} and :::{directive} fences.\n"
        'myst_enable_extensions = ["colon_fence"]\n'
    )
    values = {
        "PROJECT": options.project,
        "PROJECT_PY": json.dumps(options.project, ensure_ascii=False),
        "UNDERLINE": "=" * len(options.project),
        "EXTENSIONS": '"hpccourse", "myst_parser"' if options.myst else '"hpccourse"',
        "MYST": myst if options.myst else "",
        "REQUIREMENT": requirement(["live", "myst"] if options.myst else ["live"]),
    }
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    return text


class InitError(Exception):
    """The course cannot be written (a file exists already); nothing was written."""


def init(folder: Path, options: Options) -> list[Path]:
    """Write the new course into ``folder``; the files written, in order."""
    if not options.project.strip() or "\n" in options.project or "@@" in options.project:
        raise InitError(f"a course title is one line of text, not {options.project!r}")
    plan = {folder / dest: TEMPLATES / src for src, dest in destinations(options).items()}
    existing = sorted(str(path) for path in plan if path.exists() or path.is_symlink())
    if existing:
        raise InitError(
            "these files exist already, and init never overwrites one: " + ", ".join(existing)
        )
    for dest, src in plan.items():
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(fill(src.read_text(encoding="utf-8"), options), encoding="utf-8")
    return list(plan)
