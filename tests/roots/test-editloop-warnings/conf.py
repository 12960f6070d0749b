"""Warnings that must outlive an incremental build: tests/ext/test_editloop_warnings.py."""

extensions = ["hpccourse"]
exclude_patterns = ["_build", "_inc"]
