"""Console blocks of every kind the collector must find (or leave alone)."""

project = "consolecheck-collect"
extensions = ["hpccourse"]
