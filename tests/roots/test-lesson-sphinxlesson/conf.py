"""sphinx-lesson's directives, as a course moving from sphinx-lesson writes them."""

project = "lesson-sphinxlesson"
extensions = ["hpccourse", "sphinx_design"]
