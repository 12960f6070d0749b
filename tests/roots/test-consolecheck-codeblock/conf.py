"""code-block, sourcecode and code: built with the override, and with Sphinx's own."""

project = "consolecheck-codeblock"
extensions = ["hpccourse"]
