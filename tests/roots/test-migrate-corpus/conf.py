"""Builds pages of ../shared/corpus/hpc-python (copied in by the test) as written, then
as hpccourse migrate rewrote them (tests/ext/migrate/test_migrate_corpus.py)."""

extensions = ["hpccourse", "myst_parser", "sphinx_design"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build", "**.orig"]
suppress_warnings = ["toc.not_included", "misc.highlighting_failure"]
