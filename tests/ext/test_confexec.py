"""A course's conf.py run a statement at a time for ``hpccourse check`` (issue 20, item
1): a statement that never ends fails its line, never the check (blind batch P: eli5's
conf.py imports its package, which loops for ever on a stand-in module)."""

from __future__ import annotations

import sys
from pathlib import Path

from hpccourse.builders import confexec


def test_an_import_that_never_ends_gets_a_stand_in_and_the_rest_runs(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(confexec, "STATEMENT_SECONDS", 0.5)
    package = tmp_path / "spinning_course_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("while True:\n    pass\n", encoding="utf-8")
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n"
        "import spinning_course_pkg\nproject = 'Spins'\n",
        encoding="utf-8",
    )
    try:
        run = confexec.run_conf(conf)
    finally:
        sys.path[:] = [p for p in sys.path if p != str(tmp_path)]
        sys.modules.pop("spinning_course_pkg", None)
    assert run.mocked == ["spinning_course_pkg"]
    assert "ran past 0.5 s" in run.broken["spinning_course_pkg"]
    assert run.namespace["project"] == "Spins"  # the lines after it ran


def test_a_course_module_that_never_ends_importing_fails_its_import(
    tmp_path: Path, monkeypatch
) -> None:
    """The same package imported by autodoc during the build: its import fails, the
    build goes on."""
    import importlib

    import pytest
    from hpccourse.builders import importmemo
    from hpccourse.builders.standins import HandlerTimeout

    monkeypatch.setattr(importmemo, "MODULE_SECONDS", 0.5)
    (tmp_path / "spinning_course_mod.py").write_text("while True:\n    pass\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with importmemo.failures_remembered(), pytest.raises(HandlerTimeout):
            importlib.import_module("spinning_course_mod")
    finally:
        sys.modules.pop("spinning_course_mod", None)
