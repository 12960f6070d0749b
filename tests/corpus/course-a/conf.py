"""Corpus course A: a data table, tabs per centre (tests/corpus/README.md)."""

project = "Python at HPC centres (corpus A)"
extensions = ["hpccourse", "sphinx_copybutton", "sphinx_design"]
exclude_patterns = ["_build"]
copybutton_prompt_text = r"\([\w.-]+\) \$ |\$ "
copybutton_prompt_is_regexp = True
