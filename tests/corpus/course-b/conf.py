"""Corpus course B: no data table, sphinx-lesson's directives (tests/corpus/README.md)."""

project = "Python on the cluster (corpus B)"
extensions = ["hpccourse", "sphinx_copybutton", "sphinx_design"]
exclude_patterns = ["_build"]
# Output lines (Pygments' `.go`) and prompts are never copied.
copybutton_exclude = ".linenos, .gp, .go"
