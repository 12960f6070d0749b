"""The course's own package that failed to import once fails at once afterwards, during
``hpccourse check``.

autodoc and autosummary import the course's package for every object they document.
When it fails to import here (a dependency missing), Python keeps no record of the
failure and runs the package's ``__init__`` again up to the error, for each object:
dask's docs took 148 s of that (blind batch I). During the build a finder first in
``sys.meta_path`` counts the failed runs of each module of the course's own code (found
outside this environment's ``sys.prefix``): one that failed is run once more (a
circular import may succeed then), and after that fails at once, saying so. Modules of
the environment (installed, or the standard library) are left to Python. A module of the
course's that takes over a minute to import fails (it loops for ever on a stand-in).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

from .standins import LOOPING, time_limit

#: How long a module of the course's own code may take to import, in seconds: past it
#: the import fails (a package that loops for ever on a stand-in module).
MODULE_SECONDS = 60.0
#: How many times a failed import is run again before it fails at once: a package that
#: fails on a circular import the first time may import the second.
RETRIES = 1


@functools.cache
def _environment() -> tuple[Path, ...]:
    """The folders of this environment: its own, and the Python it was made from."""
    return tuple({Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})


def _installed(origin: str) -> bool:
    """Whether a module's file is the environment's (installed or standard library)."""
    where = Path(origin).resolve()
    return any(where.is_relative_to(prefix) for prefix in _environment())


class OnceFailed(MetaPathFinder):
    """Fails at once the import of a module of the course's whose import already failed
    more than ``RETRIES`` times (its loader's ``exec_module`` counts the failures)."""

    def __init__(self) -> None:
        self.failed: dict[str, int] = {}  # module -> imports of it that raised

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if self.failed.get(fullname, 0) > RETRIES:
            raise ImportError(f"{fullname} failed to import earlier in this check", name=fullname)
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is None:
                continue
            if spec.origin and spec.has_location and not _installed(spec.origin):
                self._count_failures(fullname, spec)
            return spec
        return None

    def _count_failures(self, fullname: str, spec: ModuleSpec) -> None:
        """Count the failures of the module's code on its loader (this spec's own)."""
        loader = spec.loader
        run = getattr(loader, "exec_module", None)
        if run is None or not hasattr(loader, "__dict__"):
            return

        def exec_module(module: ModuleType) -> None:
            try:
                with time_limit(MODULE_SECONDS, LOOPING):  # one for ever fails its import
                    run(module)
            except BaseException:
                self.failed[fullname] = self.failed.get(fullname, 0) + 1
                raise

        loader.exec_module = exec_module  # type: ignore[union-attr]


@contextmanager
def failures_remembered() -> Iterator[OnceFailed]:
    """Within the block, the course's modules that failed to import fail at once."""
    finder = OnceFailed()
    sys.meta_path.insert(0, finder)
    try:
        yield finder
    finally:
        sys.meta_path.remove(finder)
