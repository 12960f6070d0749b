"""The check's own reading of notebooks (:mod:`hpccourse.builders.notebooks`): each line
of the text made of a notebook's cells keeps the line of the ``.ipynb`` file it is on."""

from __future__ import annotations

import json

import pytest
from hpccourse.builders.notebooks import NotebookError, notebook_text


def written(cells: list[dict], *, ascii_only: bool = False) -> str:
    """A notebook as nbformat writes it: one source line on each file line."""
    data = {"cells": cells, "metadata": {"kernelspec": {"language": "julia"}}, "nbformat": 4}
    return json.dumps(data, indent=1, ensure_ascii=ascii_only)


def line_of(raw: str, needle: str) -> int:
    return 1 + next(i for i, row in enumerate(raw.split("\n")) if needle in row)


@pytest.mark.parametrize("ascii_only", [False, True])
def test_each_row_keeps_its_line_in_the_file(ascii_only: bool) -> None:
    cells = [
        {"cell_type": "markdown", "source": ["# Übung\n", "\n", "Run `a`.\n", "\n", "Run `a`."]},
        {"cell_type": "code", "source": ["x = 1\n", "print(x)"], "outputs": []},
        {"cell_type": "raw", "source": ["left out"]},
        {"cell_type": "code", "source": ["%%bash\n", "ls -l ~/data"], "outputs": []},
    ]
    raw = written(cells, ascii_only=ascii_only)
    text, origin = notebook_text(raw)
    rows = text.split("\n")
    assert len(rows) == len(origin)
    # the same row twice in a cell: each at its own line, in order
    first, second = [origin[i] for i, row in enumerate(rows) if row == "Run `a`."]
    assert first < second == line_of(raw, '"Run `a`."')
    assert rows[origin.index(line_of(raw, "Übung" if not ascii_only else "\\u00dc"))] == "# Übung"
    # a code cell is a fence in the kernel's language; a %%bash cell a bash fence
    assert "```julia" in rows and "```bash" in rows and "left out" not in text
    fence = rows.index("```bash")
    assert rows[fence + 1] == "ls -l ~/data"
    assert origin[fence + 1] == line_of(raw, "ls -l ~/data")


def test_a_cell_holding_a_fence_is_fenced_with_more_backticks() -> None:
    raw = written([{"cell_type": "code", "source": ["s = '''\n", "```\n", "'''"]}])
    rows = notebook_text(raw)[0].split("\n")
    assert rows[0] == "````julia" and rows[4] == "````"


@pytest.mark.parametrize(
    ("raw", "said"),
    [("{not json", "not a notebook: line 1"), ('{"cells": 3}', "no list of cells")],
)
def test_a_file_that_is_no_notebook_is_said_so(raw: str, said: str) -> None:
    with pytest.raises(NotebookError, match=said):
        notebook_text(raw)


def test_a_notebook_of_odd_shape_is_read_as_far_as_it_goes() -> None:
    """Metadata of another shape, a source list holding no strings, a kernel language no
    fence can name: read without a traceback (a notebook is anyone's JSON)."""
    raw = json.dumps(
        {
            "metadata": {"kernelspec": ["python3"], "language_info": {"name": "r`\nx"}},
            "cells": [
                {"cell_type": "code", "source": ["x = 1\n", 7, None, "y = 2"]},
                {"cell_type": "markdown", "source": 12},
                "no cell",
            ],
        },
        indent=1,
    )
    text, origin = notebook_text(raw)
    assert text.split("\n")[:3] == ["```python", "x = 1", "y = 2"]
    assert len(origin) == len(text.split("\n"))
