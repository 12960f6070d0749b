"""Python REPL sessions no tag marks: doctest blocks (a paragraph starting with ``>>>``)
and literal blocks of a Python language (``::`` under the default highlight, ``python``)
starting with ``>>>``, which Sphinx shows as ``pycon``, are checked as ``pycon`` blocks
are, each problem at its own line; what doctest shows (output, ``...`` elisions,
tracebacks, ``<BLANKLINE>``, ``# doctest:`` directives) stays quiet."""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

CONF = 'extensions = ["myst_parser", "hpccourse"]\n'

#: Every problem below, and the text of the line it is reported at.
PAGE = """\
Sessions
========

A doctest block whose loop body sits at a new prompt:

>>> total = 0
>>> for step in range(4):
>>>     total += step

- In a list item, a bracket never closed:

  >>> pairs = dict(a=1,
  >>> pairs

A literal block::

    >>> @lru_cache
    >>> def area(side):
    ...     return side * side

.. code-block:: python

   >>> sizes = [1, 2]
   >>>> sizes.append(3)

.. note::

   >>> scores = {"x": 1}
   >>> print(scores)  # doctest: +SKIP
   {'x': 1}
   >>> list(range(30))
   [0, 1, 2, ...]
   >>> scores["y"]
   Traceback (most recent call last):
     ...
   KeyError: 'y'
   >>> print("one\\n\\ntwo")
   one
   <BLANKLINE>
   two
   >>> %timeit sorted(scores)

Not a session, not checked::

    area = side * side
    >>> not a prompt at the start
"""

MYST = """\
# Fences

```
>>> for n in range(2):
>>>     print(n)
```

```python
>>> n = 1
>>> n
1
```
"""

#: (file, text of the offending line, code): the problems and where they belong.
EXPECTED = [
    ("index.rst", ">>> for step in range(4):", "CC106"),
    ("index.rst", "  >>> pairs = dict(a=1,", "CC106"),
    ("index.rst", "    >>> @lru_cache", "CC106"),
    ("index.rst", "   >>>> sizes.append(3)", "CC004"),
    ("fences.md", ">>> for n in range(2):", "CC106"),
]


def _build(make_app, tmp_path: Path) -> list[str]:
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "index.rst").write_text(PAGE + "\n.. toctree::\n\n   fences\n")
    (tmp_path / "fences.md").write_text(MYST)
    app: SphinxTestApp = make_app("consolecheck", srcdir=tmp_path, freshenv=True)
    app.build()
    text = (Path(app.outdir) / "output.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if re.match(r"^\S+:\d+: CC\d+ ", line)]


def test_unmarked_repl_sessions_are_checked_at_their_lines_and_doctest_output_is_quiet(
    make_app, tmp_path: Path
) -> None:
    found = _build(make_app, tmp_path)
    files = {
        name: (tmp_path / name).read_text().splitlines() for name in ("index.rst", "fences.md")
    }
    expected = [f"{name}:{files[name].index(row) + 1}: {code}" for name, row, code in EXPECTED]
    assert sorted(" ".join(line.split(" ", 2)[:2]) for line in found) == sorted(expected)
    # one alarm for the loop: its body at `>>> ` is the rest of the statement reported
    loop = next(line for line in found if line.startswith(expected[0]))
    assert "`... `" in loop
