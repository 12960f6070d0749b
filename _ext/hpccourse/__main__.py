"""``python -m hpccourse``: the ``hpccourse`` command (:mod:`hpccourse.cli`)."""

from __future__ import annotations

from .cli import entry

entry()
