"""One cluster and one exercise per way out of the sandbox (see index.rst).

The static lint is off: the kernel sandbox alone must hold every payload.
"""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
lessonrun_lint = False
lessonrun_timeout = 60
