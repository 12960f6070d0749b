"""The ``hpccourse`` command (``python -m hpccourse``): one subcommand per job.

Subcommands sit in one registry, :data:`SUBCOMMANDS`: each adds its options to its own
parser and runs from the parsed arguments, so a new one is one :func:`register` call.

- ``hpccourse check DOCS_DIR``: consolecheck over any Sphinx project, without editing it
  (see :mod:`hpccourse.builders.external`). Prints ``file:line: CODE message`` per
  problem and a summary (or JSON, or GitHub Actions annotations), writes ``report.json``
  into ``--out``, and exits 1 when a block fails (2 when it cannot run). It executes the
  course's ``conf.py`` (:data:`CHECK_TRUST`).
- ``hpccourse migrate PAGE``: a page's hand-written per-cluster tabs -> ``cluster-commands``
  steps (:mod:`hpccourse.migrate`, which parses its own options).
- ``hpccourse live ARGS``: the live preview (:mod:`hpccourse.preview`, sphinx-autobuild's
  arguments), as ``make livehtml`` runs it.
- ``hpccourse init DIR``: a new course from the package's templates (:mod:`hpccourse.scaffold`).

Sphinx is imported only when a subcommand runs, so ``--help`` is quick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from .builders.external import CheckRun

PROG = "hpccourse"


@dataclass(frozen=True)
class Subcommand:
    """A subcommand: its name, one-line help, options, and what it runs (exit status)."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


#: name -> subcommand, in the order ``--help`` lists them.
SUBCOMMANDS: dict[str, Subcommand] = {}


def register(command: Subcommand) -> Subcommand:
    """Add a subcommand to the registry (a name given twice is a programming error)."""
    if command.name in SUBCOMMANDS:
        raise ValueError(f"subcommand {command.name!r} registered twice")
    SUBCOMMANDS[command.name] = command
    return command


def parser() -> argparse.ArgumentParser:
    """The command's parser, one subparser per registered subcommand."""
    from . import __version__

    top = argparse.ArgumentParser(prog=PROG, description="Tools for HPC courses built with Sphinx.")
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in SUBCOMMANDS.values():
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return top


#: Subcommands that parse their own options: the rest of the command line goes to them.
OWN_OPTIONS: dict[str, Callable[[list[str]], int]] = {}


def entry() -> NoReturn:
    """The ``hpccourse`` command as a process: :func:`main`, then its exit. After a check,
    the exit runs no handler the course's code registered: a module of the course that
    made a multiprocessing pool left one, which waits forever for a lock a worker held
    when the check ended it (blind batch AT: pathos hung after its report). What the
    course's code forks dies with this process (:func:`.strays.forks_end_with_this_process`):
    a pool starts new workers when the check ends the old ones, and they held the
    command's output open after it exited."""
    checking = sys.argv[1:2] == ["check"]  # the one subcommand that runs a course's code
    if checking:
        from .builders.strays import forks_end_with_this_process

        forks_end_with_this_process()
    status = main()
    if checking:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    raise SystemExit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in OWN_OPTIONS:
            return int(OWN_OPTIONS[args[0]](args[1:]))
        parsed = parser().parse_args(args)
        return int(parsed.run(parsed))
    except KeyboardInterrupt:  # Ctrl-C: what was being done has put back what it must
        print("hpccourse: stopped (interrupted)", file=sys.stderr)
        return 130


# ---------------------------------------------------------------------------- check


def _codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.split(",") if code.strip()]


CHECK_TRUST = (
    "The course's conf.py is executed, as sphinx-build executes it: it is code that runs "
    "with your rights. Check only courses you would build; on a pull request from someone "
    "else, run it where that pull request's code may run (CI without secrets), never "
    "with credentials at hand."
)


def _configure_check(sub: argparse.ArgumentParser) -> None:
    sub.epilog = CHECK_TRUST
    sub.add_argument("docs", type=Path, metavar="DOCS_DIR", help="the folder with conf.py")
    sub.add_argument(
        "-o",
        "--out",
        type=Path,
        default=Path("hpccourse-check"),
        help="a new folder, or one an earlier check wrote, for report.json, output.txt, "
        "sphinx.log and the doctree cache (default: %(default)s)",
    )
    sub.add_argument(
        "--select",
        type=_codes,
        default=[],
        metavar="CODES",
        help="check only these codes or prefixes, comma-separated (e.g. CC1,CC201)",
    )
    sub.add_argument(
        "--ignore",
        type=_codes,
        default=[],
        metavar="CODES",
        help="leave these codes or prefixes out, comma-separated",
    )
    sub.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (file:line: CODE message), json (the report) or github "
        "(GitHub Actions annotations); default: %(default)s",
    )
    sub.add_argument(
        "--table",
        type=Path,
        help="the data table (clusters.toml) to check against (default: the project's own)",
    )
    sub.add_argument(
        "--project-root",
        action="append",
        default=[],
        metavar="FOLDER",
        help="a folder that holds project storage on the clusters, e.g. /proj (repeatable): "
        "CC204 looks for real user names under it when the table declares none",
    )


def _location(run: CheckRun, source: str) -> str:
    """A report's source file as a path from the current folder."""
    path = run.srcdir / source
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _problems(run: CheckRun) -> list[tuple[str, int, str, str]]:
    """(file, line, code, message) of every problem in the report."""
    return [
        (_location(run, block["source"]), problem["line"], problem["code"], problem["message"])
        for block in run.report.get("blocks", [])
        for problem in block["problems"]
    ]


def _summary(run: CheckRun) -> dict[str, int]:
    blocks = run.report.get("blocks", [])
    counts = {status: sum(b["status"] == status for b in blocks) for status in ("ok", "failed")}
    return {
        "checked": len(blocks),
        "passed": counts["ok"],
        "failed": counts["failed"],
        "skipped": sum(b["status"] == "skipped" for b in blocks),
        "problems": sum(len(b["problems"]) for b in blocks),
        "not_reached": len(run.report.get("unreached", [])),
        "sphinx_warnings": run.sphinx_warnings,
        "pages_read": run.pages_read,
        "pages_not_read": len(run.not_read),
    }


def _escape(text: str, properties: bool = False) -> str:
    """GitHub workflow-command escaping (``%``, newlines; ``:`` and ``,`` in properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def print_report(run: CheckRun, form: str, out: TextIO) -> None:
    """The report in ``form``: text, json or github."""
    summary = _summary(run)
    unreached = run.report.get("unreached", [])
    if form == "json":
        data: dict[str, Any] = {
            **run.report,
            "summary": summary,
            "dropped": run.dropped,
            "notes": run.notes,
            "not_read": run.not_read,
        }
        out.write(json.dumps(data, indent=2) + "\n")
        return
    if form == "github":
        for path, line, code, message in _problems(run):
            out.write(
                f"::error file={_escape(path, True)},line={line},title={code}::{_escape(message)}\n"
            )
        for block in unreached:
            path = _escape(_location(run, block["source"]), True)
            out.write(
                f"::warning file={path},line={block['line']},title=not checked::"
                f"a {block['language']} block inside the unknown directive "
                f"{_escape(block['directive'])}\n"
            )
        for page, why in run.not_read.items():
            path = _escape(_location(run, page), True)
            out.write(f"::warning file={path},title=not read::{_escape(why)}\n")
        return
    for path, line, code, message in _problems(run):
        out.write(f"{path}:{line}: {code} {message}\n")
    for block in unreached:
        out.write(
            f"{_location(run, block['source'])}:{block['line']}: not checked: a "
            f"`{block['language']}` block inside `{block['directive']}`, a directive no "
            f"extension of this project defines\n"
        )
    for name, why in run.dropped.items():
        out.write(f"note: extension {name} left out ({why})\n")
    for note in run.notes:
        out.write(f"note: {note}\n")
    for page, why in run.not_read.items():
        out.write(f"{_location(run, page)}: not read: {why}\n")
    read, total = summary["pages_read"], summary["pages_read"] + summary["pages_not_read"]
    out.write(
        f"\n{read} of {total} pages read; {summary['pages_not_read']} not read (listed above).\n"
        if run.not_read
        else f"\n{read} of {total} {'page' if total == 1 else 'pages'} read.\n"
    )
    out.write(
        f"{summary['checked']} blocks checked: {summary['passed']} passed, "
        f"{summary['failed']} failed ({summary['problems']} problems), "
        f"{summary['skipped']} skipped; {summary['not_reached']} not reached "
        f"(inside an unknown directive). Report: {run.outdir / 'report.json'}\n"
    )
    if summary["sphinx_warnings"]:
        count = summary["sphinx_warnings"]
        out.write(
            f"The build itself gave {count} warning{'s' if count != 1 else ''} (unknown "
            f"directives among them): see {run.outdir / 'sphinx.log'}\n"
        )


def _run_check(args: argparse.Namespace) -> int:
    from .builders.external import CheckError, run_check, select_rules

    try:
        disabled = select_rules(args.select, args.ignore)
        run = run_check(
            args.docs,
            args.out,
            disabled=disabled,
            table=args.table,
            project_roots=args.project_root,
        )
    except CheckError as error:
        print(f"{PROG} check: {error}", file=sys.stderr)
        return 2
    print_report(run, args.format, sys.stdout)
    return 1 if run.failed else 0


register(
    Subcommand(
        "check",
        "check every console block of a Sphinx project (consolecheck), without editing it",
        _configure_check,
        _run_check,
    )
)


# ------------------------------------------------------------------- migrate, live


def _run_migrate(rest: list[str]) -> int:
    from .migrate import main as migrate

    return migrate(rest)


def _run_live(rest: list[str]) -> int:
    from .preview import main as live

    return live(rest)


def _own_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("args", nargs=argparse.REMAINDER, help="its own options (--help lists them)")


for _name, _help, _run in (
    ("migrate", "turn a page's hand-written per-cluster tabs (RST or MyST) into "
     "cluster-commands steps", _run_migrate),
    ("live", "the live preview: sphinx-autobuild with a warm builder (make livehtml)", _run_live),
):  # fmt: skip
    OWN_OPTIONS[_name] = _run
    register(Subcommand(_name, _help, _own_options, lambda args, run=_run: run(args.args)))


# ---------------------------------------------------------------------------- init


def _configure_init(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("folder", type=Path, metavar="DIR", help="the new course's folder")
    sub.add_argument("--title", help="the course's title (default: the folder's name)")
    sub.add_argument("--myst", action="store_true", help="write the lesson in MyST Markdown")


def _run_init(args: argparse.Namespace) -> int:
    from .scaffold import InitError, Options, init

    title = args.title or args.folder.resolve().name
    try:
        written = init(args.folder, Options(title, myst=args.myst))
    except (InitError, OSError) as error:
        print(f"{PROG} init: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(f"Next: edit {args.folder / 'clusters.toml'} and the lesson, then `make check`.")
    return 0


register(Subcommand("init", "start a new course: conf.py, clusters.toml, a lesson, a Makefile, "
                    "CI", _configure_init, _run_init))  # fmt: skip
