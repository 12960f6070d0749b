"""Three clusters and a few batch jobs: lessonrun's private Slurm (see index.rst)."""

extensions = ["hpccourse", "sphinx_design"]
exclude_patterns = ["_build"]
lessonrun_timeout = 20
