"""The reader's page parts: solution box, provenance line, learners' Next/Previous."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
project = "Reader pages"
hpccourse_licence = "CC BY 4.0"
hpccourse_licence_url = "https://creativecommons.org/licenses/by/4.0/"
