"""``hpccourse migrate PAGE``: move hand-written per-cluster tabs onto the data table.

Centres' courses write each cluster's commands by hand, one tab per cluster (RST
``tabs``/``tab``/``group-tab`` or ``tab-set``/``tab-item``; MyST ``{tab-set}``/
``{tab-item}`` or ``{tabs}``/``{tab}``). This reads a page and turns every tab set in
which at least two tabs name clusters of the table into ``cluster-commands`` steps. No
Sphinx: the page is read as lines, so nothing outside the converted tab sets changes.

- :mod:`.rst`, :mod:`.myst`: reading a page's tab sets and cutting each tab at its blocks
  (on :mod:`.lines`, into the records of :mod:`.model`); :mod:`.readers` picks one;
- :mod:`.labels`: which cluster a tab's label names (or clusters: "UPPMAX/NSC");
- :mod:`.align`: tabs with different numbers of blocks lined up by their commands;
- :mod:`.group`: the clusters' variants of a block written with the table's placeholders
  and grouped into one step (:mod:`.variants`: those that differ only by facts empty
  where missing made one, values other than the table's found); :mod:`.fold` chooses
  its one command list (variants that differ only in comments share it, comments
  folded); :mod:`.learn` (``--add-clusters``)
  reads the facts the table lacks (modules, ``-A``/``#SBATCH`` values, folders, options
  some give; :mod:`.flags`) from variants that differ only there, so that they share it
  too, and :mod:`.learnedtext` writes them into the table, marked for the teacher;
- :mod:`.pieces`: a block that shows output between its commands cut into consecutive
  steps, each command's output after it;
- :mod:`.naming`: step keys and script names from the page, unique per page;
- :mod:`.convert`: the page rewritten, what is not a step kept where it was (a block
  only one cluster shows stays in its text); :mod:`.pagetext`: that text, as written;
- :mod:`.clusters`: ``--add-clusters``, a cluster the table lacks, from its tabs; its
  names from the tab's label (:mod:`.clusternames`, which also gives the other name of
  a cluster the table knows by one name only) and its facts from its lines
  (:mod:`.tabfacts`, which also fills facts an earlier page left ``FILL-IN``);
- :mod:`.tabletext`: the table text (TOML), loaded by the table's loader before writing;
- :mod:`.reasons`: a cluster a step skips gets the page's own reason when it gives one;
- :mod:`.counts`: prose that counts the clusters of a step made on the page written as
  that step's ``cluster-count`` (the same word, following the table);
- :mod:`.report`: the per-page report (converted, shared, left by hand and where);
- :mod:`.command`: the command line and the safe ``--write``.
"""

from __future__ import annotations

from .command import main, migrate, write
from .convert import Migrator
from .group import KeepAsIs
from .model import Proposal

__all__ = ["KeepAsIs", "Migrator", "Proposal", "main", "migrate", "write"]
