"""lessonrun's core: run a lesson's exercises for real, once per cluster, in a sandbox.

No Sphinx here: the builder (:mod:`hpccourse.builders.lessonrun`) gives it the exercises
that :mod:`hpccourse.doctree.exercises` found.

- ``model``: the records.
- ``plan``: an exercise's blocks -> the steps a cluster's run types.
- ``safety``: an early, explained lint of commands that would leave the sandbox.
- ``boundary``: the kernel sandbox (bubblewrap) around every session, and its limits;
  ``lifecycle``: every process and folder of a run, ended at once on a signal.
- ``sandbox``: the simulated cluster (home, mapped storage root, the module tree).
- ``lmod``: the cluster's module tree for Debian's Lmod; ``pythons``: the machine's
  Pythons the module Pythons are made from.
- ``slurm``: a private single-node Slurm per cluster, for the lessons' batch jobs.
- ``wheels``: the offline wheelhouse of stand-in packages (the course's ``standins.toml``).
- ``session``: one bash session per exercise, and the judging of each command;
  ``results``: what a session hands back (a report pipe, result files read with
  ``O_NOFOLLOW`` and a cap, control characters escaped), never trusted;
  ``diskuse``: the disk a sandbox's writable folders use (the per-session cap);
  ``cgroups``: a kernel cgroup per session capping its memory and processes (as root).
- ``runner``: every cluster side by side; ``report``: the transcript and report entries.
"""
