"""Spelling gate: run Sphinx's `spelling` builder over the whole site.

The builder (sphinxcontrib-spelling) needs PyEnchant's C library, Enchant, with
an en_US dictionary: a system tool, under the policy of tools/systools.py (missing,
the gate is skipped with one line saying how to install it; under CI=true it fails).

Beside the project's word list (conf.py's `spelling_word_list_filename`), the gate
knows the data table's own names: each cluster's label, centre, cluster and title and
its module names, written to a word list of their own for the run. So a teacher who
adds a cluster ("Borealis") edits the table only, not the word list.
"""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import systools
from hpccourse.table import TableError, load_table

CHECK = "spelling"
#: The cluster facts that are names (the table's own words, shown in prose and tabs).
NAME_FACTS = ("label", "center", "cluster", "title")


def words_of(text: str) -> list[str]:
    """The words a spelling checker may meet in ``text``: each run of letters and digits
    ("HPC2N", "GCCcore"), and its runs of letters alone ("HPC", "N")."""
    out = []
    for token in re.findall(r"[A-Za-z0-9]+", text):
        if any(c.isalpha() for c in token):
            out.append(token)
            out += [part for part in re.findall(r"[A-Za-z]+", token) if part != token]
    return out


def table_words(table_file: Path) -> list[str]:
    """The names the data table gives: labels, centres, clusters, titles, modules."""
    try:
        table = load_table(table_file)
    except TableError:
        return []  # the build itself reports the table's error, at its line
    texts: list[str] = []
    for cluster in table.clusters:
        texts += [cluster.facts.get(name, "") for name in NAME_FACTS]
        texts += sorted(cluster.all_modules)
        texts += [entry.name for entry in cluster.module_tree.modules]
    return sorted(set(words_of(" ".join(texts))), key=lambda w: (w.lower(), w))


def _srcdir(argv: list[str]) -> Path:
    """The source folder of a sphinx-build command line (the next-to-last argument)."""
    positional = [a for a in argv if not a.startswith("-")]
    return Path(positional[-2] if len(positional) >= 2 else ".").resolve()


def word_lists(argv: list[str], extra: Path) -> str:
    """conf.py's word lists, then ``extra``: the value for ``-D spelling_word_list_filename``."""
    srcdir = _srcdir(argv)
    conf = runpy.run_path(str(srcdir / "conf.py")) if (srcdir / "conf.py").exists() else {}
    configured = conf.get("spelling_word_list_filename") or "spelling_wordlist.txt"
    lists: Iterable[str] = configured.split(",") if isinstance(configured, str) else configured
    return ",".join([*lists, str(extra)])


def main(argv: list[str]) -> int:
    """Check for Enchant, then run sphinx-build -b spelling with `argv`, knowing the
    table's names."""
    status = systools.gate(CHECK, "enchant")
    if status is not None:
        return status
    sphinx_build = Path(sys.executable).with_name("sphinx-build")
    srcdir = _srcdir(argv)
    conf = runpy.run_path(str(srcdir / "conf.py")) if (srcdir / "conf.py").exists() else {}
    table_file = srcdir / conf.get("hpccourse_table", "clusters.toml")
    with tempfile.TemporaryDirectory(prefix="spelling-") as folder:
        extra = Path(folder, "table-words.txt")
        extra.write_text("".join(w + "\n" for w in table_words(table_file)), encoding="utf-8")
        lists = word_lists(argv, extra)
        command = [
            str(sphinx_build),
            "-b",
            "spelling",
            "-D",
            f"spelling_word_list_filename={lists}",
        ]
        return subprocess.call([*command, *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
