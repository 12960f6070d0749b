"""The cluster tabs as readers meet them: one choice for the whole site, kept
across pages and visits, links that choose a cluster, copy buttons, keyboard
use and complete printouts.

Driven by the site's table and pages (the ``tabs`` fixture): every cluster's label, the
last cluster as the reader's choice; every page with cluster tabs (``tab_pages``, RST and
MyST pages alike) where a test holds for each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from browserkit import Browsing
from playwright.sync_api import Page
from sitekit import BuiltSite


@dataclass(frozen=True)
class Tabs:
    """What these tests need of the site, read from its table and its pages."""

    lesson: str  # the page with the most cluster tab sets
    other_page: str  # another page with cluster tabs
    labels: list[str]  # every cluster's tab label, in table order
    chosen_key: str  # the cluster a reader chooses: the last one (the first is the default)
    chosen: str  # and its label
    commands: dict[str, list[str]]  # cluster -> the lesson's one-line commands for it


def one_line_commands(site: BuiltSite, docname: str, cluster: str) -> list[str]:
    """The page's generated one-command blocks for ``cluster``: the command, no prompt."""
    found = []
    for block in site.generated(docname):
        lines = block.astext().splitlines()
        if block["hpc_cluster"] == cluster and len(lines) == 1 and "$ " in lines[0]:
            found.append(lines[0].split("$ ", 1)[1])
    return found


@pytest.fixture(scope="module")
def tabs(site: BuiltSite) -> Tabs:
    pages = site.tabbed_pages()
    assert len(pages) >= 2, f"these tests need two pages with cluster tabs: {pages}"
    table = site.table
    last = table.clusters[-1]
    return Tabs(
        lesson=f"{pages[0]}.html",
        other_page=f"{pages[1]}.html",
        labels=[cluster.label for cluster in table.clusters],
        chosen_key=last.key,
        chosen=last.label,
        commands={key: one_line_commands(site, pages[0], key) for key in table.cluster_keys},
    )


# Per tab set that has cluster tabs: the selected tab's label and the labels
# of the panels not hidden.
TAB_SETS_JS = """
labels => Array.from(document.querySelectorAll(".sphinx-tabs"))
  .filter(set => Array.from(set.querySelectorAll(":scope > [role=tablist] > .group-tab"))
                      .some(tab => labels.includes(tab.textContent.trim())))
  .map(set => {
    const label = el => el.textContent.trim();
    const tabs = Array.from(set.querySelectorAll(":scope > [role=tablist] > [role=tab]"));
    const shown = Array.from(set.querySelectorAll(":scope > .sphinx-tabs-panel"))
      .filter(panel => !panel.hidden)
      .map(panel => label(document.getElementById(panel.getAttribute("aria-labelledby"))));
    return {
      tabs: tabs.map(label),
      selected: tabs.filter(t => t.getAttribute("aria-selected") === "true").map(label),
      shown: shown,
    };
  })
"""


def tab_sets(page: Page, labels: list[str]) -> list[dict[str, list[str]]]:
    """Every cluster tab set of the page: what is selected and what is shown."""
    sets = page.evaluate(TAB_SETS_JS, labels)
    assert sets, f"no cluster tab set on {page.url}"
    return sets


def assert_every_set_shows(page: Page, labels: list[str], label: str | None) -> None:
    """Every cluster tab set with a ``label`` tab shows it; for None (no choice
    made) every set shows its first tab."""
    sets = [s for s in tab_sets(page, labels) if label is None or label in s["tabs"]]
    assert sets, f"no tab set has a {label} tab"
    wrong = [
        s
        for s in sets
        if s["selected"] != [label or s["tabs"][0]] or s["shown"] != [label or s["tabs"][0]]
    ]
    assert not wrong, f"{len(wrong)} of {len(sets)} tab sets do not show {label}: {wrong}"


def choose(page: Page, label: str) -> None:
    """Click the ``label`` tab of the page's first cluster tab set."""
    page.locator(".sphinx-tabs-tab.group-tab", has_text=label).first.click()


def test_choosing_a_cluster_switches_every_tab_set_of_the_page(
    browsing: Browsing, site_url: str, tabs: Tabs, tab_pages: list[str]
) -> None:
    for name in tab_pages:
        page = browsing.new_context().new_page()  # no choice made yet
        page.goto(f"{site_url}/{name}")
        assert_every_set_shows(page, tabs.labels, None)
        choose(page, tabs.chosen)
        assert_every_set_shows(page, tabs.labels, tabs.chosen)
    page = browsing.new_context().new_page()
    page.goto(f"{site_url}/{tabs.lesson}")
    assert len(tab_sets(page, tabs.labels)) > 1


def test_choice_is_kept_after_reload_on_other_pages_and_in_a_reopened_browser(
    browsing: Browsing, site_url: str, tabs: Tabs
) -> None:
    context = browsing.new_context()
    page = context.new_page()
    page.goto(f"{site_url}/{tabs.lesson}")
    choose(page, tabs.chosen)

    page.reload()
    assert_every_set_shows(page, tabs.labels, tabs.chosen)
    page.goto(f"{site_url}/{tabs.other_page}")
    assert_every_set_shows(page, tabs.labels, tabs.chosen)

    # A reopened browser keeps localStorage (not sessionStorage): storage_state
    # carries exactly that from one context to the next.
    state = context.storage_state()
    context.close()
    reopened = browsing.new_context(storage_state=state).new_page()
    reopened.goto(f"{site_url}/{tabs.lesson}")
    assert_every_set_shows(reopened, tabs.labels, tabs.chosen)

    # A browser that never chose shows each set's first tab.
    fresh = browsing.new_context().new_page()
    fresh.goto(f"{site_url}/{tabs.other_page}")
    assert_every_set_shows(fresh, tabs.labels, None)


@pytest.mark.parametrize("spelling", [str.lower, str.upper], ids=["key", "KEY"])
def test_cluster_link_opens_the_page_with_that_cluster_chosen(
    page: Page, site_url: str, tabs: Tabs, spelling
) -> None:
    page.goto(f"{site_url}/{tabs.other_page}?cluster={spelling(tabs.chosen_key)}")
    assert_every_set_shows(page, tabs.labels, tabs.chosen)
    page.goto(f"{site_url}/{tabs.other_page}")  # the link's choice is remembered
    assert_every_set_shows(page, tabs.labels, tabs.chosen)


def test_unknown_cluster_in_a_link_leaves_the_default(
    browsing: Browsing, site_url: str, tabs: Tabs, tab_pages: list[str]
) -> None:
    for name in tab_pages:
        page = browsing.new_context().new_page()
        page.goto(f"{site_url}/{name}?cluster=nowhere")
        assert_every_set_shows(page, tabs.labels, None)


#: The code blocks a reader sees: in a shown tab, or a step shown once for every cluster.
SHOWN_BLOCKS = (
    ".sphinx-tabs-panel:not([hidden]) div.highlight, .hpccourse-same-everywhere div.highlight"
)


@pytest.mark.parametrize("which", [0, -1], ids=["first", "last"])
def test_copy_button_copies_exactly_the_commands_of_the_visible_tab(
    page: Page, site_url: str, tabs: Tabs, which: int
) -> None:
    command = tabs.commands[tabs.chosen_key][which]
    page.goto(f"{site_url}/{tabs.lesson}?cluster={tabs.chosen_key}")
    block = page.locator(SHOWN_BLOCKS, has_text=command)
    assert block.count() >= 1, f"no visible block shows {command!r}"
    block = block.first
    block.hover()
    block.locator("button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == command


#: A command line's prompt, as the site's copy button strips it (conf.py's
#: copybutton_prompt_text): the shell's, and Python's.
SHELL = re.compile(r"^(?:\([\w.-]+\) )?\$ ")
PYTHON = re.compile(r"^(?:>>> |\.\.\. )")
#: bash's prompt on a later row of a command that goes on (a loop's body, `done`).
PS2 = "> "


def expected_copy(text: str) -> str:
    """What the copy button must copy from a console block showing ``text``: each command
    of the program the block starts in, after its prompt (never a Python statement typed
    into the ``python`` a shell command starts), a here-document's body to its ``EOF``, a
    loop's later rows after ``> ``, no output lines."""
    copied, heredoc, first, typed = [], False, None, None
    for line in text.splitlines():
        if heredoc:
            copied.append(line)
            heredoc = line != "EOF"
            continue
        if typed is SHELL and line.startswith(PS2):  # a loop's body: the command goes on
            copied.append(line[len(PS2) :])
            continue
        prompt = typed = next((p for p in (SHELL, PYTHON) if p.match(line)), None)
        first = first or prompt
        if prompt is not None and prompt is first:
            copied.append(prompt.sub("", line))
            heredoc = "<<" in line
    return "\n".join(copied)


def test_copy_button_copies_the_commands_of_every_visible_generated_block(
    browsing: Browsing, site_url: str, tabs: Tabs, tab_pages: list[str]
) -> None:
    checked = 0
    for name in tab_pages:
        page = browsing.new_context().new_page()
        page.goto(f"{site_url}/{name}?cluster={tabs.chosen_key}")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        blocks = page.locator(SHOWN_BLOCKS.replace("div.highlight", "div.highlight-console"))
        for i in range(blocks.count()):
            block = blocks.nth(i)
            shown = block.locator("pre").inner_text()
            if not shown.startswith(("$ ", "(")):
                continue
            block.scroll_into_view_if_needed()
            block.hover()
            block.locator("button.copybtn").click()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == expected_copy(shown), (name, shown)
            checked += 1
    assert checked >= len(tab_pages)


def test_tabs_are_reached_with_tab_switched_with_arrows_and_focus_is_visible(
    page: Page, site_url: str, tabs: Tabs
) -> None:
    page.goto(f"{site_url}/{tabs.lesson}")
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.sphinx-tabs-tab.group-tab')"):
            break
    else:
        pytest.fail("Tab never reached a cluster tab")
    focused = page.evaluate(
        """() => {
             const el = document.activeElement, style = getComputedStyle(el);
             const tabs = Array.from(el.parentNode.children).map(t => t.textContent.trim());
             return { label: el.textContent.trim(), tabs: tabs,
                      visible: el.matches(":focus-visible"),
                      outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
           }"""
    )
    assert focused["visible"] and focused["outline"] != "none" and focused["width"] >= 2
    labels, here = focused["tabs"], focused["tabs"].index(focused["label"])
    right = labels[(here + 1) % len(labels)]

    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.textContent.trim()") == right
    assert_every_set_shows(page, tabs.labels, right)
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.textContent.trim()") == focused["label"]
    assert_every_set_shows(page, tabs.labels, focused["label"])


# Every cluster's panel as printed: its cluster (data-tab), whether it shows, the label
# printed above it (a generated panel's ::before, or a hand-written one's label element).
PRINTED_PANELS_JS = """
labels => Array.from(document.querySelectorAll(".sphinx-tabs-panel[data-tab]"))
  .filter(p => labels.includes(p.dataset.tab))
  .map(p => {
    const before = getComputedStyle(p, "::before").content;
    const element = p.querySelector(":scope > .hpccourse-print-label");
    const printed = before && before.startsWith('"') ? JSON.parse(before)
      : element && element.getClientRects().length ? element.textContent.trim() : null;
    return { label: p.dataset.tab, shown: getComputedStyle(p).display !== "none",
             printed: printed, text: p.innerText };
  })
"""


def printed_panels(page: Page, labels: list[str]) -> list[dict]:
    """Every cluster panel of the page, each printed and under its cluster's label."""
    panels = page.evaluate(PRINTED_PANELS_JS, labels)
    assert panels, f"no cluster panel on {page.url}"
    hidden = [p["label"] for p in panels if not p["shown"]]
    assert not hidden, f"panels not printed: {hidden}"
    unlabelled = [p for p in panels if p["printed"] != p["label"]]
    assert not unlabelled, f"panels printed without their cluster's label: {unlabelled[:3]}"
    return panels


def test_printed_without_scripts_every_panel_carries_its_cluster_label(
    browsing: Browsing, site_url: str, tabs: Tabs
) -> None:
    page = browsing.new_context(java_script_enabled=False).new_page()
    page.goto(f"{site_url}/{tabs.lesson}")
    page.emulate_media(media="print")
    assert {p["label"] for p in printed_panels(page, tabs.labels)} == set(tabs.labels)


@pytest.mark.parametrize("which", ["lesson", "other_page"])
def test_printing_shows_every_clusters_commands_under_its_label(
    page: Page, site_url: str, tabs: Tabs, which: str
) -> None:
    name = getattr(tabs, which)
    page.goto(f"{site_url}/{name}")
    page.emulate_media(media="print")
    panels = printed_panels(page, tabs.labels)
    printed = page.locator("body").inner_text()
    for panel in panels:
        assert panel["text"].strip()[:40] in printed, panel["label"]
    for cluster, commands in tabs.commands.items() if name == tabs.lesson else ():
        assert commands, f"no one-line command for {cluster} on {tabs.lesson}"
        assert commands[0] in printed, cluster
    assert page.locator('.sphinx-tabs [role="tablist"]').first.is_hidden()


def test_no_page_makes_a_request_beyond_localhost_or_logs_an_error(
    browsing: Browsing, site_url: str, site: BuiltSite
) -> None:
    page = browsing.new_context().new_page()
    for docname in site.pages:
        page.goto(f"{site_url}/{docname}.html")
    assert not browsing.guard.problems()
