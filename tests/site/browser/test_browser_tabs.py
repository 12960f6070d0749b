"""The cluster tabs as readers meet them: one choice for the whole site, kept
across pages and visits, links that choose a cluster, copy buttons, keyboard
use and complete printouts; on every page with cluster tabs (``tab_pages``: RST
and MyST pages alike)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from browserkit import Browsing
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[3]
LESSON = "isolated.html"  # the lesson whose commands _commands() names
TABLE = tomllib.loads((ROOT / "clusters.toml").read_text(encoding="utf-8"))
LABELS = [cluster["label"] for cluster in TABLE["clusters"].values()]
CHOSEN = TABLE["clusters"]["hpc2n"]["label"]

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


def tab_sets(page: Page) -> list[dict[str, list[str]]]:
    """Every cluster tab set of the page: what is selected and what is shown."""
    sets = page.evaluate(TAB_SETS_JS, LABELS)
    assert sets, f"no cluster tab set on {page.url}"
    return sets


def assert_every_set_shows(page: Page, label: str | None) -> None:
    """Every cluster tab set with a ``label`` tab shows it; for None (no choice
    made) every set shows its first tab."""
    sets = [s for s in tab_sets(page) if label is None or label in s["tabs"]]
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
    browsing: Browsing, site_url: str, tab_pages: list[str]
) -> None:
    for name in tab_pages:
        page = browsing.new_context().new_page()  # no choice made yet
        page.goto(f"{site_url}/{name}")
        assert_every_set_shows(page, None)
        choose(page, CHOSEN)
        assert_every_set_shows(page, CHOSEN)
        if name != "teachers.html":  # the teachers' page shows one example
            assert len(tab_sets(page)) > 1, name


def test_choice_is_kept_after_reload_on_other_pages_and_in_a_reopened_browser(
    browsing: Browsing, site_url: str, tab_pages: list[str]
) -> None:
    context = browsing.new_context()
    page = context.new_page()
    page.goto(f"{site_url}/{LESSON}")
    choose(page, CHOSEN)

    page.reload()
    assert_every_set_shows(page, CHOSEN)
    for name in tab_pages:
        page.goto(f"{site_url}/{name}")
        assert_every_set_shows(page, CHOSEN)
    other_page = next(name for name in tab_pages if name != LESSON)

    # A reopened browser keeps localStorage (not sessionStorage): storage_state
    # carries exactly that from one context to the next.
    state = context.storage_state()
    context.close()
    reopened = browsing.new_context(storage_state=state).new_page()
    reopened.goto(f"{site_url}/{LESSON}")
    assert_every_set_shows(reopened, CHOSEN)

    # A browser that never chose shows each set's first tab.
    fresh = browsing.new_context().new_page()
    fresh.goto(f"{site_url}/{other_page}")
    assert_every_set_shows(fresh, None)


@pytest.mark.parametrize("key", ["hpc2n", "HPC2N"])
def test_cluster_link_opens_the_page_with_that_cluster_chosen(
    browsing: Browsing, site_url: str, key: str, tab_pages: list[str]
) -> None:
    for name in tab_pages:
        page = browsing.new_context().new_page()
        page.goto(f"{site_url}/{name}?cluster={key}")
        assert_every_set_shows(page, CHOSEN)
        page.goto(f"{site_url}/{name}")  # the link's choice is remembered
        assert_every_set_shows(page, CHOSEN)


def test_unknown_cluster_in_a_link_leaves_the_default(
    browsing: Browsing, site_url: str, tab_pages: list[str]
) -> None:
    for name in tab_pages:
        page = browsing.new_context().new_page()
        page.goto(f"{site_url}/{name}?cluster=nowhere")
        assert_every_set_shows(page, None)


def _commands(cluster: str) -> list[str]:
    """Commands of generated blocks, as the table gives them for ``cluster``."""
    facts = TABLE["clusters"][cluster]
    python = " ".join(facts["modules"]["python"])
    flags = f"{facts['pip_flags']} " if facts["pip_flags"] else ""
    return [f"module load {python}", f"pip install {flags}spacy seaborn"]


@pytest.mark.parametrize("command", _commands("hpc2n"))
def test_copy_button_copies_exactly_the_commands_of_the_visible_tab(
    page: Page, site_url: str, command: str
) -> None:
    page.goto(f"{site_url}/{LESSON}?cluster=hpc2n")
    block = page.locator(".sphinx-tabs-panel:not([hidden]) div.highlight", has_text=command)
    assert block.count() >= 1, f"no visible block shows {command!r}"
    block = block.first
    block.hover()
    block.locator("button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == command


#: A command line's prompt, as the site's copy button strips it (conf.py's
#: copybutton_prompt_text: the shell's, and Python's when a block starts the REPL).
PROMPT = re.compile(r"^(?:\([\w.-]+\) \$ |\$ |>>> |\.\.\. )")


def expected_copy(text: str) -> str:
    """What the copy button must copy from a console block showing ``text``: each command
    after its prompt (a Python statement after ``>>>``), a here-document's body to its
    ``EOF``, no output lines."""
    copied, heredoc = [], False
    for line in text.splitlines():
        if heredoc:
            copied.append(line)
            heredoc = line != "EOF"
        elif PROMPT.match(line):
            copied.append(PROMPT.sub("", line))
            heredoc = "<<" in line
    return "\n".join(copied)


def test_copy_button_copies_the_commands_of_every_visible_generated_block(
    browsing: Browsing, site_url: str, tab_pages: list[str]
) -> None:
    checked = 0
    for name in tab_pages:
        page = browsing.new_context().new_page()
        page.goto(f"{site_url}/{name}?cluster=hpc2n")
        blocks = page.locator(".sphinx-tabs-panel:not([hidden]) div.highlight-console")
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
    browsing: Browsing, site_url: str, tab_pages: list[str]
) -> None:
    for name in tab_pages:
        page = browsing.new_context().new_page()
        page.goto(f"{site_url}/{name}")
        _tab_to_a_cluster_tab_and_switch_with_arrows(page)


def _tab_to_a_cluster_tab_and_switch_with_arrows(page: Page) -> None:
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
    tabs, here = focused["tabs"], focused["tabs"].index(focused["label"])
    right = tabs[(here + 1) % len(tabs)]

    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.textContent.trim()") == right
    assert_every_set_shows(page, right)
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.textContent.trim()") == focused["label"]
    assert_every_set_shows(page, focused["label"])


def test_printing_shows_every_clusters_commands_under_its_label(
    browsing: Browsing, site_url: str, tab_pages: list[str]
) -> None:
    for name in tab_pages:
        page = browsing.new_context().new_page()
        page.goto(f"{site_url}/{name}")
        _assert_printout_shows_every_panel(page, lesson=name == LESSON)


def _assert_printout_shows_every_panel(page: Page, lesson: bool) -> None:
    page.emulate_media(media="print")
    panels = page.evaluate(
        """labels => Array.from(document.querySelectorAll(".sphinx-tabs-panel"))
             .filter(p => labels.includes(
                 document.getElementById(p.getAttribute("aria-labelledby")).textContent.trim()))
             .map(p => ({
                 label: document.getElementById(p.getAttribute("aria-labelledby"))
                          .textContent.trim(),
                 shown: getComputedStyle(p).display !== "none",
                 text: p.innerText }))""",
        LABELS,
    )
    assert panels
    hidden = [p["label"] for p in panels if not p["shown"]]
    assert not hidden, f"panels not printed: {hidden}"
    unlabelled = [p for p in panels if not p["text"].startswith(p["label"] + "\n")]
    assert not unlabelled, f"panels printed without their cluster's label: {unlabelled[:3]}"
    printed = page.locator("body").inner_text()
    for panel in panels:
        assert panel["text"] in printed
    for cluster in TABLE["clusters"] if lesson else ():
        assert _commands(cluster)[0] in printed
    assert page.locator('.sphinx-tabs [role="tablist"]').first.is_hidden()


def _pages(site_dir: Path) -> list[str]:
    return sorted(p.name for p in site_dir.glob("*.html"))


def test_no_page_makes_a_request_beyond_localhost_or_logs_an_error(
    browsing: Browsing, site_url: str, site_dir: Path
) -> None:
    page = browsing.new_context().new_page()
    for name in _pages(site_dir):
        page.goto(f"{site_url}/{name}")
    assert not browsing.guard.problems()
