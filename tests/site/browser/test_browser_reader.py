"""The lesson as a reader meets it (issue 13): answers stay hidden, the cluster chooser,
links by any cluster name, copy buttons on touch screens and keyboard focus, the skip
link, admonition icons, printouts without instructor notes, tables that wrap, inline
code that does not break at hyphens. Everything is read from the site given
(``--site-dir``): its table and its pages; no cluster, page or count named here."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from browserkit import Browsing
from playwright.sync_api import Page
from sitekit import BuiltSite

STORAGE_KEY = "hpccourse-cluster"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@dataclass(frozen=True)
class Reader:
    """What these tests need of the site."""

    lesson: str  # the page with the most cluster tab sets
    keys: list[str]  # every cluster's key, in tab order
    labels: list[str]  # and label
    names: dict[str, list[str]]  # key -> the names a link may use (any case)
    key: str  # a cluster other than the first tab's: the last
    label: str  # and its label
    table_pages: list[str]  # the pages that show a table


@pytest.fixture(scope="module")
def reader(site: BuiltSite, tab_pages: list[str]) -> Reader:
    clusters = site.table.clusters
    assert len(clusters) > 1, "these tests need two clusters"
    names = {}
    for c in clusters:
        found = {c.key, c.key.upper(), c.label, c.label.lower()}
        if c.cluster:
            found |= {c.cluster, c.cluster.lower(), c.cluster.upper()}
        names[c.key] = sorted(found)
    tables = [p for p in site.pages if '<table class="docutils' in site.page_html(p)]
    return Reader(
        lesson=tab_pages[0],
        keys=[c.key for c in clusters],
        labels=[c.label for c in clusters],
        names=names,
        key=clusters[-1].key,
        label=clusters[-1].label,
        table_pages=[f"{p}.html" for p in tables],
    )


# Every tab set that holds a cluster tab: its selected tab's label.
SELECTED_JS = """
labels => Array.from(document.querySelectorAll(".sphinx-tabs"))
  .filter(set => Array.from(set.querySelectorAll(":scope > [role=tablist] > .group-tab"))
                      .some(tab => labels.includes(tab.textContent.trim())))
  .map(set => set.querySelector(":scope > [role=tablist] > [aria-selected=true]")
                 .textContent.trim())
"""


def selected(page: Page, reader: Reader) -> list[str]:
    labels = page.evaluate(SELECTED_JS, reader.labels)
    assert labels, f"no cluster tab set on {page.url}"
    return labels


def stored(page: Page) -> str | None:
    return page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})")


# ------------------------------------------------------------ 1: answers stay hidden


def test_choosing_a_cluster_reveals_no_answer_until_its_solution_is_opened(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}?cluster={reader.key}")
    solutions = page.locator("details.solution")
    count = solutions.count()
    assert count > 0, "the lesson has no solution box"
    # Every answer closed, its commands invisible; the tasks readable.
    assert page.evaluate(
        "Array.from(document.querySelectorAll('details.solution')).every(d => !d.open)"
    )
    for i in range(count):
        assert not solutions.nth(i).locator("pre").first.is_visible()
    assert page.get_by_text("Create a virtual environment called").first.is_visible()
    # The task text is never inside a tab: choosing a cluster cannot hide it.
    assert not page.locator(".sphinx-tabs", has_text="Create a virtual environment called").count()

    first = solutions.nth(0)
    first.locator("summary").click()
    assert first.evaluate("d => d.open")
    panel = first.locator(".sphinx-tabs-panel:not([hidden])")
    assert panel.count() == 1
    tab = first.locator("[role=tab][aria-selected=true]")
    assert tab.inner_text().strip() == reader.label, "the answer does not follow the cluster"
    assert panel.locator("pre").first.is_visible()
    # Opening one answer opens no other.
    assert (
        page.evaluate(
            "Array.from(document.querySelectorAll('details.solution')).filter(d => d.open).length"
        )
        == 1
    )


def test_choosing_a_cluster_in_an_opened_answer_switches_the_page(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}")
    box = page.locator("details.solution").first
    box.locator("summary").click()
    box.locator(".sphinx-tabs-tab.group-tab", has_text=reader.label).click()
    assert set(selected(page, reader)) == {reader.label}
    assert stored(page) == reader.label


# --------------------------------------------- 4: chooser and names in ?cluster= links


def test_a_cluster_link_takes_its_key_label_or_machine_name_in_any_case(
    browsing: Browsing, site_url: str, reader: Reader
) -> None:
    # One page for every name, both storages emptied before each load: a reader who follows
    # the link in a new browser (a fresh context per name costs three times as much).
    page = browsing.new_context().new_page()
    page.goto(f"{site_url}/{reader.lesson}")
    for key, label in zip(reader.keys, reader.labels, strict=True):
        for name in reader.names[key]:
            page.evaluate("localStorage.clear(); sessionStorage.clear()")
            page.goto(f"{site_url}/{reader.lesson}?cluster={name}")
            assert set(selected(page, reader)) == {label}, name
            assert stored(page) == label, name
    page.context.close()


@pytest.mark.parametrize("name", ["task", "Task", "For teachers", "for learners", "nowhere"])
def test_a_link_or_stored_choice_never_selects_a_tab_that_is_not_a_cluster(
    browsing: Browsing, site_url: str, reader: Reader, name: str
) -> None:
    page = browsing.new_context().new_page()
    page.goto(f"{site_url}/{reader.lesson}?cluster={name}")
    first = selected(page, reader)
    assert all(label == reader.labels[0] for label in first), first
    assert stored(page) is None
    # A stored value that is no cluster is ignored too.
    context = browsing.new_context()
    context.add_init_script(
        f"if (location.protocol === 'http:') localStorage.setItem({STORAGE_KEY!r}, {name!r})"
    )
    other = context.new_page()
    other.goto(f"{site_url}/{reader.lesson}")
    assert all(label == reader.labels[0] for label in selected(other, reader))


def test_the_chooser_near_the_title_drives_every_tab_set_and_is_remembered(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}")
    chooser = page.get_by_label("Your cluster")
    assert chooser.is_visible()
    title = page.locator("h1").bounding_box()
    box = chooser.bounding_box()
    first_set = page.locator(".sphinx-tabs").first.bounding_box()
    assert title and box and first_set
    assert title["y"] < box["y"] < first_set["y"]
    assert box["y"] < page.viewport_size["height"], "the chooser is not on the first screen"
    options = chooser.locator("option").all_inner_texts()
    assert [o.split(" (")[0] for o in options] == reader.labels
    assert not page.locator(".hpccourse-chooser button").is_visible()  # a script applies it

    chooser.select_option(reader.key)
    assert set(selected(page, reader)) == {reader.label}
    assert stored(page) == reader.label
    page.reload()
    assert page.get_by_label("Your cluster").input_value() == reader.key
    assert set(selected(page, reader)) == {reader.label}
    # A tab click shows in the chooser.
    page.locator(".sphinx-tabs-tab.group-tab", has_text=reader.labels[0]).first.click()
    assert page.get_by_label("Your cluster").input_value() == reader.keys[0]


def test_without_scripts_the_chooser_shows_each_clusters_commands(
    browsing: Browsing, site_url: str, reader: Reader
) -> None:
    """No script runs: choosing a cluster shows its panels in every tab set, under its
    label, and hides every other cluster's."""
    page = browsing.new_context(java_script_enabled=False).new_page()
    page.goto(f"{site_url}/{reader.lesson}")
    chooser = page.get_by_label("Your cluster")
    for key, label in zip(reader.keys, reader.labels, strict=True):
        chooser.select_option(key)
        shown = page.evaluate(
            """labels => Array.from(document.querySelectorAll(".sphinx-tabs-panel[data-tab]"))
                 .filter(p => labels.includes(p.dataset.tab) && p.getClientRects().length)
                 .map(p => [p.dataset.tab, getComputedStyle(p, "::before").content])""",
            reader.labels,
        )
        assert shown, f"no panel shown for {label}"
        assert {tab for tab, _ in shown} == {label}, shown
        assert {before for _, before in shown} == {f'"{label}"'}, shown
    # No tab to click: the generated sets show no tab bar.
    bars = page.locator('.sphinx-tabs:has(> [data-tab]) > [role="tablist"]')
    assert bars.count() and all(not bars.nth(i).is_visible() for i in range(bars.count()))


def test_a_cluster_link_applies_once_and_the_address_follows_the_later_choice(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}?cluster={reader.key}")
    assert set(selected(page, reader)) == {reader.label}
    page.get_by_label("Your cluster").select_option(reader.keys[0])
    assert page.url.endswith(f"?cluster={reader.keys[0]}")
    page.reload()
    assert set(selected(page, reader)) == {reader.labels[0]}
    assert stored(page) == reader.labels[0]


# --------------------------------------------------------------- 3: copy buttons


def test_copy_buttons_show_on_a_touch_screen_without_hovering(
    browsing: Browsing, site_url: str, reader: Reader
) -> None:
    page = browsing.new_context(**PHONE).new_page()
    page.goto(f"{site_url}/{reader.lesson}")
    page.wait_for_timeout(500)  # sphinx-copybutton's fade (0.3 s)
    opacities = page.evaluate(
        """Array.from(document.querySelectorAll(".highlight button.copybtn"))
             .filter(b => b.offsetParent !== null)
             .map(b => parseFloat(getComputedStyle(b).opacity))"""
    )
    assert opacities and min(opacities) == 1


def test_a_copy_button_reached_with_tab_is_visible_with_an_outline(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}")
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.copybtn')"):
            break
    else:
        pytest.fail("Tab never reached a copy button")
    # (sphinx-copybutton fades the button in: wait for the end of its transition. Polled
    # from here: wait_for_function evaluates a string in the page, which the site's
    # Content-Security-Policy rightly refuses without 'unsafe-eval'.)
    for _ in range(100):
        if page.evaluate("() => getComputedStyle(document.activeElement).opacity") == "1":
            break
        page.wait_for_timeout(50)
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {opacity: parseFloat(s.opacity), outline: s.outlineStyle,
                           width: parseFloat(s.outlineWidth)}; }"""
    )
    assert style["opacity"] == 1 and style["outline"] != "none" and style["width"] >= 2


# ------------------------------------------------------------- 7: print and tables


def test_printing_leaves_out_instructor_notes_but_not_the_objectives(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}")
    assert page.locator(".instructor-note").count() > 0
    page.emulate_media(media="print")
    shown = page.evaluate(
        """kind => Array.from(document.querySelectorAll(".admonition." + kind))
             .map(n => n.getClientRects().length > 0)""",
        "instructor-note",
    )
    assert shown and not any(shown)
    objectives = page.evaluate(
        """Array.from(document.querySelectorAll(".admonition.objectives"))
             .map(n => n.getClientRects().length > 0)"""
    )
    assert objectives and all(objectives)


@pytest.mark.parametrize("width", [1366, 390])
def test_tables_wrap_instead_of_cutting_a_column(
    browsing: Browsing, site_url: str, reader: Reader, width: int
) -> None:
    assert reader.table_pages, "no page shows a table"
    for name in reader.table_pages:
        assert_tables_fit(
            browsing.new_context(viewport={"width": width, "height": 900}).new_page(),
            f"{site_url}/{name}",
            width,
        )


def assert_tables_fit(page: Page, url: str, width: int) -> None:
    page.goto(url)
    tables = page.evaluate(
        """Array.from(document.querySelectorAll(".rst-content table.docutils")).map(t => {
             const box = (t.closest(".wy-table-responsive") || t.parentElement);
             return {scroll: box.scrollWidth, client: box.clientWidth,
                     head: t.querySelector("th, td").textContent.trim()}; })"""
    )
    assert tables
    cut = [t for t in tables if t["scroll"] > t["client"] + 1]
    assert not cut, f"tables wider than the page at {width} px: {cut}"


# ------------------------------------------- 8: inline code, skip link, icons


def test_inline_code_never_breaks_at_a_hyphen_on_a_phone(
    browsing: Browsing, site_url: str, reader: Reader
) -> None:
    page = browsing.new_context(**PHONE).new_page()
    page.goto(f"{site_url}/{reader.lesson}")
    broken = page.evaluate(
        """Array.from(document.querySelectorAll("code.literal span.pre"))
             .filter(s => s.textContent.includes("-") && s.offsetParent !== null)
             .filter(s => s.getClientRects().length > 1)
             .map(s => s.textContent)"""
    )
    hyphenated = page.evaluate(
        """Array.from(document.querySelectorAll("code.literal span.pre"))
             .filter(s => s.textContent.includes("-")).length"""
    )
    assert hyphenated > 0
    assert not broken, broken


def test_the_first_tab_reaches_a_skip_link_past_the_sidebar(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}")
    page.keyboard.press("Tab")
    link = page.evaluate(
        """() => { const a = document.activeElement, r = a.getBoundingClientRect();
                   return {text: a.textContent, href: a.getAttribute("href"),
                           inView: r.left >= 0 && r.top >= 0 && r.width > 0}; }"""
    )
    assert link["text"].startswith("Skip to") and link["inView"], link
    page.keyboard.press("Enter")
    # the fragment navigation is the browser's, after the key press: wait for it (a busy
    # machine took longer than the next line, once in eight runs)
    page.wait_for_url(lambda url: url.endswith(link["href"]))
    assert page.evaluate("document.activeElement.id") == link["href"].lstrip("#")
    # The next Tab lands in the content, not in the sidebar.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('[role=main]')")


def test_each_kind_of_admonition_has_its_own_icon(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}")
    icons = page.evaluate(
        """Array.from(document.querySelectorAll(".admonition > .admonition-title")).map(t => ({
             kind: Array.from(t.parentElement.classList).filter(c => c !== "admonition")
                     .join(" ").replace(/^admonition-.*/, "custom") || "custom",
             icon: getComputedStyle(t, "::before").content }))"""
    )
    by_kind: dict[str, set[str]] = {}
    for item in icons:
        by_kind.setdefault(item["kind"], set()).add(item["icon"])
    assert {"objectives", "instructor-note", "keypoints"} <= set(by_kind)
    assert all(len(v) == 1 for v in by_kind.values()), by_kind
    distinct = {next(iter(v)) for v in by_kind.values()}
    assert len(distinct) == len(by_kind), by_kind


def test_an_opened_answer_prints_without_its_disclosure_triangle(
    page: Page, site_url: str, reader: Reader
) -> None:
    page.goto(f"{site_url}/{reader.lesson}")
    box = page.locator("details.solution").first
    box.locator("summary").click()
    page.emulate_media(media="print")
    marker = box.locator("summary").evaluate(
        """s => ({ list: getComputedStyle(s).listStyleType,
                   marker: getComputedStyle(s, "::marker").content, text: s.innerText })"""
    )
    assert marker["list"] == "none" and marker["marker"] in ('""', "none"), marker
    assert "▶" not in marker["text"] and "▼" not in marker["text"]


def test_every_page_names_its_icon_and_the_icon_loads(
    browsing: Browsing, site_url: str, site: BuiltSite
) -> None:
    """No ``favicon.ico`` 404: each page links an icon the site serves."""
    page = browsing.new_context().new_page()
    for docname in site.pages:
        page.goto(f"{site_url}/{docname}.html")
        href = page.evaluate(
            "() => (document.querySelector(\"link[rel~='icon']\") || {}).href || ''"
        )
        assert href, f"{docname}: no icon"
        assert page.request.get(href).status == 200, href
