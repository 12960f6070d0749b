"""Two clusters side by side, one exercise: whose processes count against whose limit."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
lessonrun_lint = False
lessonrun_timeout = 60
