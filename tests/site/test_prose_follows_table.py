"""Prose that names or counts the clusters comes from the table (the roles ``clusters``
and ``cluster-count``), and prose that counts them wrongly is a warning at its line."""

from __future__ import annotations

import re
from pathlib import Path

from hpccourse.directives.clusterprose import english_list
from hpccourse.table.prosenames import number_word
from sitekit import BuiltSite, copy_site, sphinx_build


def test_the_roles_render_the_tables_clusters(site: BuiltSite) -> None:
    table = site.table
    labels = [c.label for c in table.clusters]
    found = []
    for docname in site.pages:
        found += re.findall(
            r'<span class="hpccourse-(clusters|cluster-count)">(.*?)</span>',
            site.page_html(docname),
        )
    assert ("cluster-count", number_word(len(labels))) in found
    assert ("clusters", english_list(labels)) in found
    for step in table.steps.values():
        some = [c.label for c in table.clusters if step.applies_to(c.key)]
        if ("clusters", english_list(some)) in found and some != labels:
            break
    else:
        raise AssertionError("no page names the clusters of one step through the role")


def test_prose_that_counts_the_clusters_wrongly_is_a_located_warning(
    site: BuiltSite, site_dir: Path, tmp_path: Path
) -> None:
    srcdir = copy_site(site_dir, tmp_path / "site")
    count = len(site.table.clusters)
    wrong = "both" if count != 2 else "three"
    page = next(p for p in (srcdir / "batch.md", srcdir / "isolated.rst") if p.exists())
    lines = page.read_text(encoding="utf-8").splitlines()
    # After the first paragraph of prose: a sentence that counts the clusters.
    at = next(i for i, line in enumerate(lines) if i > 5 and line and line[0].isalpha())
    lines.insert(at, f"The {wrong} clusters of this course use Slurm.")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # And, on the RST page, the role with a misspelt step (a typo of the table's first).
    step = next(iter(site.table.steps))
    typo = step[:-1] + step[-1] * 2
    rst = srcdir / "index.rst"
    rst.write_text(
        rst.read_text(encoding="utf-8") + f"\nThis runs on :clusters:`{typo}`.\n",
        encoding="utf-8",
    )
    rst_line = len(rst.read_text(encoding="utf-8").splitlines())
    status, warnings = sphinx_build(srcdir, tmp_path / "html", tmp_path / "doctrees", "html")
    assert status != 0
    assert f"{page}:{at + 1}: WARNING: `{wrong} clusters`: the data table has " in warnings, (
        warnings
    )
    assert f"{number_word(count)} clusters" in warnings
    assert (
        f"{rst}:{rst_line}: WARNING: :clusters: `{typo}` is no step of the table: "
        f"did you mean `{step}`?"
    ) in warnings, warnings
