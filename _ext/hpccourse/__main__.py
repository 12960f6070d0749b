"""``python -m hpccourse``: the ``hpccourse`` command (:mod:`hpccourse.cli`)."""

import sys

from .cli import main

sys.exit(main())
