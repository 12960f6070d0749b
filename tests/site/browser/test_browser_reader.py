"""The lesson as a reader meets it (issue 13): answers stay hidden, the cluster chooser,
links by any cluster name, copy buttons on touch screens and keyboard focus, the skip
link, admonition icons, printouts without instructor notes, tables that wrap, inline
code that does not break at hyphens. Everything is read from the table and the pages:
no count of clusters or pages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from browserkit import Browsing
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[3]
LESSON = "isolated.html"
TEACHERS = "teachers.html"
TABLE = tomllib.loads((ROOT / "clusters.toml").read_text(encoding="utf-8"))
CLUSTERS = TABLE["clusters"]
LABELS = [c["label"] for c in CLUSTERS.values()]
KEY, FACTS = list(CLUSTERS.items())[-1]  # a cluster other than the first tab's
STORAGE_KEY = "hpccourse-cluster"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# Every tab set that holds a cluster tab: its selected tab's label.
SELECTED_JS = """
labels => Array.from(document.querySelectorAll(".sphinx-tabs"))
  .filter(set => Array.from(set.querySelectorAll(":scope > [role=tablist] > .group-tab"))
                      .some(tab => labels.includes(tab.textContent.trim())))
  .map(set => set.querySelector(":scope > [role=tablist] > [aria-selected=true]")
                 .textContent.trim())
"""


def selected(page: Page) -> list[str]:
    labels = page.evaluate(SELECTED_JS, LABELS)
    assert labels, f"no cluster tab set on {page.url}"
    return labels


def stored(page: Page) -> str | None:
    return page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})")


# ------------------------------------------------------------ 1: answers stay hidden


def test_choosing_a_cluster_reveals_no_answer_until_its_solution_is_opened(
    page: Page, site_url: str
) -> None:
    page.goto(f"{site_url}/{LESSON}?cluster={KEY}")
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
    assert tab.inner_text().strip() == FACTS["label"], "the answer does not follow the cluster"
    assert panel.locator("pre").first.is_visible()
    # Opening one answer opens no other.
    assert (
        page.evaluate(
            "Array.from(document.querySelectorAll('details.solution')).filter(d => d.open).length"
        )
        == 1
    )


def test_choosing_a_cluster_in_an_opened_answer_switches_the_page(
    page: Page, site_url: str
) -> None:
    page.goto(f"{site_url}/{LESSON}")
    box = page.locator("details.solution").first
    box.locator("summary").click()
    box.locator(".sphinx-tabs-tab.group-tab", has_text=FACTS["label"]).click()
    assert set(selected(page)) == {FACTS["label"]}
    assert stored(page) == FACTS["label"]


# --------------------------------------------- 4: chooser and names in ?cluster= links


def _names(key: str, facts: dict) -> list[str]:
    names = {key, key.upper(), facts["label"], facts["label"].lower()}
    if facts.get("cluster"):
        names |= {facts["cluster"], facts["cluster"].lower(), facts["cluster"].upper()}
    return sorted(names)


@pytest.mark.parametrize(
    ("name", "label"),
    [(name, facts["label"]) for key, facts in CLUSTERS.items() for name in _names(key, facts)],
)
def test_a_cluster_link_takes_its_key_label_or_machine_name_in_any_case(
    page: Page, site_url: str, name: str, label: str
) -> None:
    page.goto(f"{site_url}/{LESSON}?cluster={name}")
    assert set(selected(page)) == {label}
    assert stored(page) == label


@pytest.mark.parametrize("name", ["task", "Task", "For teachers", "for learners", "nowhere"])
def test_a_link_or_stored_choice_never_selects_a_tab_that_is_not_a_cluster(
    browsing: Browsing, site_url: str, name: str
) -> None:
    page = browsing.new_context().new_page()
    page.goto(f"{site_url}/{LESSON}?cluster={name}")
    first = selected(page)
    assert all(label == LABELS[0] for label in first), first
    assert stored(page) is None
    # A stored value that is no cluster is ignored too.
    context = browsing.new_context()
    context.add_init_script(
        f"if (location.protocol === 'http:') localStorage.setItem({STORAGE_KEY!r}, {name!r})"
    )
    other = context.new_page()
    other.goto(f"{site_url}/{LESSON}")
    assert all(label == LABELS[0] for label in selected(other))


def test_the_chooser_near_the_title_drives_every_tab_set_and_is_remembered(
    page: Page, site_url: str
) -> None:
    page.goto(f"{site_url}/{LESSON}")
    chooser = page.get_by_label("Your cluster")
    assert chooser.is_visible()
    title = page.locator("h1").bounding_box()
    box = chooser.bounding_box()
    first_set = page.locator(".sphinx-tabs").first.bounding_box()
    assert title and box and first_set
    assert title["y"] < box["y"] < first_set["y"]
    assert box["y"] < page.viewport_size["height"], "the chooser is not on the first screen"
    options = chooser.locator("option").all_inner_texts()
    assert [o.split(" (")[0] for o in options] == LABELS
    assert not page.locator(".hpccourse-chooser button").is_visible()  # a script applies it

    chooser.select_option(KEY)
    assert set(selected(page)) == {FACTS["label"]}
    assert stored(page) == FACTS["label"]
    page.reload()
    assert page.get_by_label("Your cluster").input_value() == KEY
    assert set(selected(page)) == {FACTS["label"]}
    # A tab click shows in the chooser.
    page.locator(".sphinx-tabs-tab.group-tab", has_text=LABELS[0]).first.click()
    assert page.get_by_label("Your cluster").input_value() == next(iter(CLUSTERS))


def test_without_scripts_the_chooser_is_a_form_that_sends_cluster_links(
    browsing: Browsing, site_url: str
) -> None:
    page = browsing.new_context(java_script_enabled=False).new_page()
    page.goto(f"{site_url}/{LESSON}")
    page.get_by_label("Your cluster").select_option(KEY)
    page.locator(".hpccourse-chooser button").click()
    page.wait_for_url(f"**/{LESSON}?cluster={KEY}")


# --------------------------------------------------------------- 3: copy buttons


def test_copy_buttons_show_on_a_touch_screen_without_hovering(
    browsing: Browsing, site_url: str
) -> None:
    page = browsing.new_context(**PHONE).new_page()
    page.goto(f"{site_url}/{LESSON}")
    page.wait_for_timeout(500)  # sphinx-copybutton's fade (0.3 s)
    opacities = page.evaluate(
        """Array.from(document.querySelectorAll(".highlight button.copybtn"))
             .filter(b => b.offsetParent !== null)
             .map(b => parseFloat(getComputedStyle(b).opacity))"""
    )
    assert opacities and min(opacities) == 1


def test_a_copy_button_reached_with_tab_is_visible_with_an_outline(
    page: Page, site_url: str
) -> None:
    page.goto(f"{site_url}/{LESSON}")
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
    page: Page, site_url: str
) -> None:
    page.goto(f"{site_url}/{LESSON}")
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
def test_tables_on_the_teachers_page_wrap_instead_of_cutting_a_column(
    browsing: Browsing, site_url: str, width: int
) -> None:
    page = browsing.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{site_url}/{TEACHERS}")
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


def test_inline_code_never_breaks_at_a_hyphen_on_a_phone(browsing: Browsing, site_url: str) -> None:
    page = browsing.new_context(**PHONE).new_page()
    page.goto(f"{site_url}/{LESSON}")
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


def test_the_first_tab_reaches_a_skip_link_past_the_sidebar(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/{LESSON}")
    page.keyboard.press("Tab")
    link = page.evaluate(
        """() => { const a = document.activeElement, r = a.getBoundingClientRect();
                   return {text: a.textContent, href: a.getAttribute("href"),
                           inView: r.left >= 0 && r.top >= 0 && r.width > 0}; }"""
    )
    assert link["text"].startswith("Skip to") and link["inView"], link
    page.keyboard.press("Enter")
    assert page.url.endswith(link["href"])
    assert page.evaluate("document.activeElement.id") == link["href"].lstrip("#")
    # The next Tab lands in the content, not in the sidebar.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('[role=main]')")


def test_each_kind_of_admonition_has_its_own_icon(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/{LESSON}")
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
