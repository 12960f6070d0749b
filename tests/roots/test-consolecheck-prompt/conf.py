"""prompt blocks of every shape: built with the override, and with stock sphinx-prompt."""

project = "consolecheck-prompt"
extensions = ["hpccourse"]
