"""``hpccourse migrate PAGE``: the command line, and writing its result safely.

Without ``--write`` it prints the proposed table text and page. With ``--write`` it loads
the whole new table text with the table's own loader first (a table that would not load
is an error, nothing written), keeps the originals (``PAGE.orig``, never overwritten;
``clusters.toml.orig``, the table before the first migration) and replaces each file in
one rename. Every run ends with the page's report.
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..table import TableError, load_table
from .clusternames import cluster_names
from .clusters import add_clusters
from .convert import Migrator
from .learnedtext import describe, migrates_own, unchecked, with_learned, with_names
from .model import Proposal
from .tabfacts import stand_ins_read
from .tabletext import load_text, new_table_text, skip_new_clusters


def migrate(page: Path, table_path: Path, *, add: bool = False) -> Proposal:
    """The proposal for ``page`` against the table at ``table_path``; writes nothing.

    With ``add``, tabs that name a centre the table lacks first add that cluster
    (:mod:`.clusters`), and the page is converted against the table with them."""
    table = load_table(table_path)
    text = read_page(page)
    old = table_path.read_text(encoding="utf-8")
    clusters_toml, added = "", []
    held: frozenset[tuple[str, str]] = frozenset()
    notes: list[tuple[int, str]] = []
    if add:
        named = cluster_names(table, page, text)
        if named:
            old, notes = with_names(old, table, named, page.name)
            table = load_text(old, table_path)
        held = unchecked(old, table)  # read on other pages: not this page's to use
        filled = stand_ins_read(table, page, text)
        if filled:
            old, more = with_names(old, table, filled, page.name, "from its tab")
            table = load_text(old, table_path)
            notes += more
        pages_own = frozenset(name for _key, name in held)
        clusters_toml, added, more = add_clusters(table, page, text, pages_own)
        notes += more
        if clusters_toml:
            old = skip_new_clusters(old, table, added)
            table = load_text(new_table_text(old, page.name, clusters_toml, ""), table_path)
    current = new_table_text(old, page.name, clusters_toml, "")  # the table loaded
    held = unchecked(current, table) & held if add else unchecked(current, table)
    held = migrates_own(held, table)
    migrator = Migrator(table, page, learn=add, unchecked=held)
    migrator.report.clusters_added = added
    for line, note in notes:
        migrator.report.say(line, note)
    proposal = migrator.run(text)
    proposal.clusters_toml = clusters_toml
    text = new_table_text(old, page.name, clusters_toml, "")
    learned = migrator.learner.learned
    if learned:
        text = with_learned(text, load_text(text, table_path), learned, page.name)
        proposal.facts = describe(learned)
    proposal.table_text = new_table_text(text, page.name, "", proposal.steps_toml)
    # the table as it would be written must load: a step the loader refuses is an error now
    load_text(proposal.table_text, table_path)
    return proposal


#: The largest page read: a page is text, far smaller than this.
MAX_PAGE = 10 * 1024 * 1024


def read_page(page: Path) -> str:
    """The page's text; a folder, a FIFO or a device is an error, never a wait."""
    with open(page, "rb", opener=_open_regular) as handle:
        raw = handle.read(MAX_PAGE + 1)
    if len(raw) > MAX_PAGE:
        raise OSError(f"larger than {MAX_PAGE // (1024 * 1024)} MB: no page is that big")
    return raw.decode("utf-8")


def _open_regular(path: str, flags: int) -> int:
    handle = os.open(path, flags | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise OSError("not a regular file")
    return handle


def _create(path: Path, text: str) -> None:
    """Write ``text`` to a new file ``path``: never through a link, never over a file."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in one rename (never half a file)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write(page: Path, table_path: Path, proposal: Proposal) -> list[str]:
    """Write the table and the page, keeping the originals; what was kept, as lines."""
    backup = page.with_name(page.name + ".orig")
    if backup.exists() or backup.is_symlink():
        raise FileExistsError(f"{backup} exists: move it away first (never overwritten)")
    said = []
    new_table = proposal.table_text
    original = read_page(page)
    # steps, clusters, or facts a tab gave a cluster (a name, a stand-in filled in)
    table_changed = new_table != table_path.read_text(encoding="utf-8")
    if table_changed:
        table_backup = table_path.with_name(table_path.name + ".orig")
        if table_backup.exists() or table_backup.is_symlink():
            said.append(f"{table_backup} kept as it was (the table before an earlier migration)")
        else:
            _create(table_backup, table_path.read_text(encoding="utf-8"))
            said.append(f"original table kept as {table_backup}")
    _create(backup, original)
    if table_changed:
        _replace(table_path, new_table)
    _replace(page, proposal.page)
    said.append(f"wrote {page} (original: {backup.name})")
    return said


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(
        prog="hpccourse migrate",
        description="Turn a page's hand-written per-cluster tabs (RST tabs/tab, "
        "tabs/code-tab or tab-set/tab-item; MyST {tab-set}/{tab-item} or {tabs}/{tab}) "
        "into cluster-commands steps of the data table.",
    )
    found.add_argument("page", type=Path, help="the page to read: .rst (RST) or .md (MyST)")
    found.add_argument(
        "--table", type=Path, help="the data table (default: clusters.toml beside the page)"
    )
    found.add_argument(
        "--write",
        action="store_true",
        help="append the steps to the table and rewrite the page (keeps PAGE.orig and "
        "TABLE.orig; the new table is loaded first, nothing is written if it fails)",
    )
    found.add_argument(
        "--add-clusters",
        action="store_true",
        help="add to the table each centre a tab names that the table lacks, with what its "
        "tabs show (modules, allocation, paths); facts not shown are marked for you",
    )
    return found


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    table_path = args.table or args.page.parent / "clusters.toml"
    try:
        proposal = migrate(args.page, table_path, add=args.add_clusters)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"hpccourse migrate: cannot read {args.page}: {exc}", file=sys.stderr)
        return 2
    except TableError as exc:
        print(f"hpccourse migrate: {exc}", file=sys.stderr)
        return 2
    for line in proposal.report:
        print(line, file=sys.stderr)
    if not proposal.converted:
        print("hpccourse migrate: no tab set of clusters to convert", file=sys.stderr)
        return 1
    if args.write:
        try:
            for line in write(args.page, table_path, proposal):
                print(line)
        except (FileExistsError, TableError) as exc:
            print(f"hpccourse migrate: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"hpccourse migrate: cannot write: {exc}", file=sys.stderr)
            return 2
        return 0
    if proposal.facts:
        print(f"# Facts read from the page, for {table_path} (each marked 'check it'):\n")
        print("\n".join(proposal.facts) + "\n")
    if proposal.clusters_toml:
        print(f"# New clusters for {table_path}:\n")
        print(proposal.clusters_toml)
    print(f"# New steps for {table_path}:\n")
    print(proposal.steps_toml)
    print(f"# {args.page}, rewritten (run again with --write to save both):\n")
    print(proposal.page)
    return 0
