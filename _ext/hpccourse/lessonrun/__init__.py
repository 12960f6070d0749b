"""lessonrun's core: run a lesson's exercises for real, once per cluster, in a sandbox.

No Sphinx here: the builder (:mod:`hpccourse.builders.lessonrun`) gives it the exercises
that :mod:`hpccourse.doctree.exercises` found.

- ``model``: the records.
- ``plan``: an exercise's blocks -> the steps a cluster's run types.
- ``safety``: an early, explained lint of commands that would leave the sandbox.
- ``sandbox``: the simulated cluster (home, mapped storage root, `module`, a Python).
- ``wheels``: the offline wheelhouse of stand-in packages (the course's ``standins.toml``).
- ``session``: one bash session per exercise, and the judging of each command.
- ``runner``: every cluster side by side; ``report``: the transcript and report entries.
"""
