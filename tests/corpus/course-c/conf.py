"""Corpus course C: `.. highlight:: console` pages whose `::` blocks show output, logs and
markup as often as commands (tests/corpus/README.md)."""

project = "Working on the cluster (corpus C)"
extensions = ["hpccourse", "sphinx_copybutton"]
exclude_patterns = ["_build"]
copybutton_exclude = ".linenos, .gp, .go"
