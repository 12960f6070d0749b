"""The console-block checking core: pure Python, no Sphinx or docutils."""
