"""A small site whose console blocks all pass."""

project = "consolecheck-clean"
extensions = ["hpccourse"]
