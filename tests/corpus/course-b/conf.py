"""Corpus course B: no data table, sphinx-lesson's directives (tests/corpus/README.md)."""

project = "Python on the cluster (corpus B)"
extensions = ["hpccourse", "sphinx_copybutton", "sphinx_design"]
exclude_patterns = ["_build"]
# Where the centres keep project storage (no data table declares it here).
consolecheck_project_roots = ["/proj", "/proj/nobackup"]
# Output lines (Pygments' `.go`) and prompts are never copied.
copybutton_exclude = ".linenos, .gp, .go"
