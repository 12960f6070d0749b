"""Sphinx configuration for the HPC Python course site."""

from __future__ import annotations

# The extension `hpccourse` is the package sphinx-hpccourse (pyproject.toml), installed
# editable into .venv by `make venv`: imported like any other extension.

project = "HPC Python course"
author = "The course's teachers"
copyright = "2024-2026, the course's teachers"

extensions = [
    "sphinx_rtd_theme",
    "myst_parser",  # lessons in MyST Markdown (.md) beside reStructuredText (.rst)
    "sphinx_copybutton",
    "hpccourse",
    # `.. mermaid:: /diagrams/NAME.mmd` shows diagrams/NAME.svg inline (`make diagrams`).
    "hpccourse.html.diagrams",
]

exclude_patterns = ["_build", ".venv", "tests", "benchmarks", "README.md", "node_modules"]
# The pages `hpccourse init` writes for a new course are package data, no page here.
exclude_patterns += ["_ext"]
# Markdown is a source format too (MyST): no tool's folder of .md files is a page.
exclude_patterns += [".*", "test-results"]
# MyST: ```{directive} and :::{directive} fences both work (colon_fence), as in the
# teachers' page; every directive of the extension works in either.
myst_enable_extensions = ["colon_fence"]
html_theme = "sphinx_rtd_theme"
html_theme_options = {
    "navigation_depth": 3,
    "collapse_navigation": False,
    "style_external_links": True,
}
html_title = project
html_show_sourcelink = False

# Every page ends with its provenance: build date, source version (`git describe`),
# the material's licence and, when this is set, an "edit this page" link. The
# repository has no public address yet: set hpccourse_edit_url to one, with {path}
# for the page's source file, e.g. "https://github.com/ORG/REPO/edit/main/{path}",
# or pass it at build time: make html SPHINXOPTS="-D hpccourse_edit_url=...".
hpccourse_licence = "CC BY 4.0"
hpccourse_licence_url = "https://creativecommons.org/licenses/by/4.0/"
hpccourse_edit_url = ""

# `make lessonrun`: the packages the exercises' `pip install` finds offline
# (tiny stand-ins built by the run; see the file's header).
lessonrun_standins = "standins.toml"

# Tabs: a click on the open tab does not close it.
sphinx_tabs_disable_tab_closing = True

# Copy buttons copy commands only: no prompts (`> ` is bash's on a loop's later rows), no
# output (`.go` goes first, so an output row starting `> ` is never taken for one), no CSS
# of prompt blocks.
copybutton_prompt_text = r"\([\w.-]+\) \$ |\$ |>>> |\.\.\. |> "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_copy_empty_lines = False
copybutton_line_continuation_character = "\\"
copybutton_here_doc_delimiter = "EOF"
# sphinx-prompt draws its prompt with a <style> inside the <pre>: never copy it; nor a
# line typed into another program (`>>> import spacy` after `$ python`): the copy holds
# what one program runs (hpccourse.html.consolelexer.INNER_CLASSES).
copybutton_exclude = ".linenos, style, .go, .gp-Inner, .n-Inner"

# --- Spelling gate (`make spelling`; sphinxcontrib-spelling) -----------------
# Added only where PyEnchant and its C library load, so `make html` never needs
# them; tools/spellcheck.py says what to install when they are missing.
# Project words (clusters, modules, commands, names) go in spelling_wordlist.txt.
try:
    import enchant  # noqa: F401  (PyEnchant: needs Debian's libenchant-2-2)
except (ImportError, OSError):  # no PyEnchant, or no C library for it
    pass
else:
    # sphinxcontrib-spelling, also checking link text, emphasis and tab labels.
    extensions.append("hpccourse.builders.spelling")
spelling_lang = "en_US"
spelling_word_list_filename = "spelling_wordlist.txt"
spelling_warning = True  # each misspelling is a warning with file and line; -W fails
spelling_show_suggestions = True
spelling_filters = ["enchant.tokenize.URLFilter"]  # a bare link's address is no word
spelling_suggestion_limit = 3
# Check every word against the dictionary and the word list, nothing guessed:
# "UPPAX" must not pass as an acronym, nor a typo as an importable module's name.
spelling_ignore_acronyms = False
spelling_ignore_wiki_words = False
spelling_ignore_importable_modules = False
spelling_ignore_pypi_package_names = False
spelling_ignore_contributor_names = False
# --- end of spelling gate ------------------------------------------------------

# --- Link checking (`make linkcheck`; Sphinx's linkcheck builder) -------------
# The lesson links to the centers' documentation, a few tutorials and a video.
# A slow documentation server gets 20 s and one more try; a 429 is retried
# after its Retry-After for up to 5 minutes. Timeouts, broken links and
# redirects not accepted below fail the run (-W).
linkcheck_timeout = 20
linkcheck_retries = 2
linkcheck_workers = 5
linkcheck_rate_limit_timeout = 300.0
linkcheck_report_timeouts_as_broken = False  # reported as "timeout"; they still fail
# Anchors are checked, except on sites that draw them with JavaScript (the
# anchor is not in the HTML the checker downloads).
linkcheck_anchors = True
linkcheck_anchors_ignore_for_url = [
    r"https://github\.com/.+",  # rendered READMEs and files: anchors made by JavaScript
]
# Redirects we accept (source -> target); any other redirect is a warning, so
# a moved page is noticed and its link updated.
linkcheck_allowed_redirects = {
    # Read the Docs sends a project's root to its default language and version.
    r"https://[\w-]+\.readthedocs\.io/?": r"https://[\w-]+\.readthedocs\.io/en/[\w.-]+/",
    # UPPMAX's documentation answers on https only.
    r"http://docs\.uppmax\.uu\.se/.*": r"https://docs\.uppmax\.uu\.se/.*",
}
# Addresses not checked at all, each with its reason (a test checks there is one).
LINKCHECK_IGNORE_REASONS = {
    r"http://127\.0\.0\.1(:\d+)?/.*": "the teacher's own live preview (make livehtml)",
    r"https://(youtu\.be|(www\.)?youtube\.com)/.*": (
        "YouTube answers automated clients with a consent page or 429, never the video"
    ),
}
linkcheck_ignore = list(LINKCHECK_IGNORE_REASONS)
# --- end of link checking -----------------------------------------------------

# --- Accessibility gate (`make axe`) -------------------------------------------
# Fixes for the theme's contrast, heading levels and scrolling code blocks.
extensions.append("hpccourse.html.a11y")
# --- end of accessibility gate -------------------------------------------------
