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
]

exclude_patterns = ["_build", ".venv", "tests", "benchmarks", "README.md", "node_modules"]
html_theme = "sphinx_rtd_theme"
html_static_path = ["_static"]

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
