"""A step shown as a file, and per-cluster notes: tests/ext/test_editloop_files.py."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
