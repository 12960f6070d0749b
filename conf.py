"""Sphinx configuration for the HPC Python course site."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "HPC Python course"
author = "The course's teachers"
copyright = "2024-2026, the course's teachers"

extensions = [
    "sphinx_rtd_theme",
    "sphinx_copybutton",
    "sphinxcontrib.mermaid",
    "hpccourse",
    # After sphinxcontrib.mermaid: serves mermaid from _static, not a CDN.
    "hpccourse.diagrams",
]

exclude_patterns = ["_build", ".venv", "tests", "benchmarks", "README.md", "node_modules"]
html_theme = "sphinx_rtd_theme"
html_theme_options = {
    "navigation_depth": 3,
    "collapse_navigation": False,
    "style_external_links": True,
}
html_title = project
html_static_path = ["_static"]
html_show_sourcelink = False

# Diagrams: drawn in the browser by the site's own copy of mermaid (`make mermaid`
# refreshes it; _static/mermaid/manifest.json records version and checksum).
# The classic build, not the ES module: it also works with the site opened from disk.
mermaid_output_format = "raw"
mermaid_use_local = "mermaid/mermaid.min.js"
mermaid_init_config = {"startOnLoad": False, "flowchart": {"htmlLabels": True}}

# Tabs: a click on the open tab does not close it.
sphinx_tabs_disable_tab_closing = True

# Copy buttons copy commands only: no prompts, no output, no CSS of prompt blocks.
copybutton_prompt_text = r"\([\w.-]+\) \$ |\$ |>>> |\.\.\. "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_copy_empty_lines = False
copybutton_line_continuation_character = "\\"
copybutton_here_doc_delimiter = "EOF"
# sphinx-prompt draws its prompt with a <style> inside the <pre>: never copy it.
copybutton_exclude = ".linenos, style"

# --- Spelling gate (`make spelling`; sphinxcontrib-spelling) -----------------
# Added only where PyEnchant and its C library load, so `make html` never needs
# them; tools/spellcheck.py says what to install when they are missing.
# Project words (clusters, modules, commands, names) go in spelling_wordlist.txt.
try:
    import enchant  # noqa: F401  (PyEnchant: needs Debian's libenchant-2-2)
except ImportError:
    pass
else:
    # sphinxcontrib-spelling, also checking link text, emphasis and tab labels.
    extensions.append("hpccourse.spelling")
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
