"""A small site with console blocks that pass, fail, are skipped or are generated."""

project = "consolecheck-basic"
extensions = ["hpccourse"]
