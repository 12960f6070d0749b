"""One cluster and a few batch jobs: lessonrun's private Slurm (see index.rst)."""

extensions = ["hpccourse"]
exclude_patterns = ["_build"]
lessonrun_timeout = 20
