"""The theme fixes loaded with a theme they are not for."""

extensions = ["hpccourse", "hpccourse.html.a11y"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
