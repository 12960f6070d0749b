"""The built course site as a reader meets it (issue 13), checked in its HTML: the
placeholder note, the reason a step does not apply where it does not, the pip flags
explained, the self-study storage, each page's provenance line and skip link, the chooser,
and the learners' Next/Previous. Data-driven: the site given (``--site-dir``), its table
and its toctree; no cluster, page or count named here."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest
from sitekit import BuiltSite


@pytest.fixture(scope="module")
def built(site: BuiltSite) -> BuiltSite:
    assert site.status == 0, site.warnings
    return site


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def lessons(site: BuiltSite) -> list[str]:
    """The pages with cluster tabs, the one with the most first."""
    pages = site.tabbed_pages()
    assert pages, "no page shows cluster tabs"
    return pages


def test_the_placeholder_note_gives_the_example_user_name_not_a_command(built: BuiltSite) -> None:
    notes = [
        text_of(note)
        for page in lessons(built)
        for note in re.findall(
            r'<p class="hpccourse-placeholder-note">(.*?)</p>', built.page_html(page), re.S
        )
    ]
    examples = {c.example_user for c in built.table.clusters}
    for note in notes:
        match = re.fullmatch(
            r"where (\S+) is your (\S+ )?user name(, for example (\S+) ?)?\.", note
        )
        assert match, note
        assert match.group(4) is None or match.group(4) in examples, note


def test_where_a_step_does_not_apply_its_tab_says_why(built: BuiltSite) -> None:
    """Every reason the table gives for a cluster (``skip``, ``elsewhere``) shows on the
    pages that use the step, in that cluster's tab."""
    table = built.table
    shown = " ".join(text_of(built.page_html(page)) for page in lessons(built))
    reasons = 0
    for step in table.steps:
        for cluster in table.clusters:
            try:
                rendered = table.render(step, cluster.key, {"venv": "venv"})
            except Exception:  # a step needing other variables: checked where it is used
                continue
            if not rendered.applies and rendered.reason:
                used = any(step in built.uses(p, "cluster-commands") for p in lessons(built))
                if used:
                    reasons += 1
                    assert " ".join(rendered.reason.split()) in shown, (step, cluster.key)
    if not reasons:
        pytest.skip("every step applies to every cluster: no reason to show")


def test_every_pip_flag_of_a_cluster_is_explained_in_the_prose(built: BuiltSite) -> None:
    flags = {f for c in built.table.clusters for f in c.facts.get("pip_flags", "").split()}
    if not flags:
        pytest.skip("no cluster gives pip flags")
    prose = " ".join(
        text_of(p)
        for page in built.pages
        for p in re.findall(r"<p>(.*?)</p>", built.page_html(page), re.S)
    )
    for flag in flags:
        assert flag in prose, f"{flag} is never explained"


def test_self_study_readers_are_told_their_storage_before_the_first_section(
    built: BuiltSite,
) -> None:
    storage = {c.key: c.facts.get("own_storage", "") for c in built.table.clusters}
    if not any(storage.values()):
        pytest.skip("no cluster gives own_storage")
    page = built.page_html(lessons(built)[0])
    body = page[page.index('itemprop="articleBody"') :]
    top = text_of(body[: body.index("<section", body.index("<section") + 1)])
    for key, where in storage.items():
        assert not where or where in top, key


def test_every_page_has_a_skip_link_first_and_its_provenance_line(built: BuiltSite) -> None:
    git = shutil.which("git")
    version = ""
    if git:
        run = subprocess.run(
            [git, "describe", "--tags", "--always", "--dirty"],
            cwd=built.srcdir,
            capture_output=True,
            text=True,
            check=False,
        )
        version = run.stdout.strip() if run.returncode == 0 else ""
    for path in sorted(built.html.glob("*.html")):
        page = path.read_text(encoding="utf-8")
        body = page.split("<body", 1)[1]
        first_link = re.search(r"<a\b[^>]*>", body).group(0)
        assert 'class="hpccourse-skip-link" href="#main-content"' in first_link, path.name
        assert 'id="main-content"' in page, path.name
        if path.stem not in built.pages:  # search, index: no source page
            continue
        info = re.search(r'<div class="hpccourse-pageinfo">(.*?)</div>', page, re.S)
        assert info, path.name
        assert "Built on 20" in info.group(1)
        licence = built.env.config.hpccourse_licence
        assert not licence or licence in info.group(1)
        if version:  # the tree may change between the build and now: the commit matches
            shown = re.search(r'class="hpccourse-version">([^<]+)<', info.group(1)).group(1)
            assert shown.removesuffix("-dirty") == version.removesuffix("-dirty"), path.name


def test_the_chooser_follows_the_title_on_pages_with_cluster_tabs(built: BuiltSite) -> None:
    for name in lessons(built):
        page = built.page_html(name)
        title_end = page.index("</h1>")
        chooser = page.index('<div class="hpccourse-chooser"')
        assert title_end < chooser < page.index('class="sphinx-tabs'), name
        end = page.index("</select>", chooser)
        keys = re.findall(r'<option value="([^"]+)">', page[chooser:end])
        assert keys == list(built.table.cluster_keys), name


def test_next_and_previous_stay_within_the_learners_pages(built: BuiltSite) -> None:
    metadata = built.env.metadata
    audiences = {page: metadata.get(page, {}).get("audience", "learners") for page in built.pages}
    crossing = []
    for name, audience in audiences.items():
        page = built.page_html(name)
        targets = re.findall(r'<link rel="(?:next|prev)" title="[^"]*" href="([^"]+)\.html"', page)
        targets += re.findall(r'href="([^"]+)\.html" class="btn btn-neutral[^"]*"', page)
        crossing += [(name, t) for t in targets if audiences.get(t, audience) != audience]
    assert not crossing, crossing
