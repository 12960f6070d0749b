"""The migrate tests' table: the editloop-migrate testroot's, composed afresh per test
(``run``, migrate in this process, is in migratekit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hpccourse.table import Table, load_table
from testroots import composed_table


@pytest.fixture
def table_path(tmp_path: Path) -> Path:
    return composed_table(tmp_path, "editloop-migrate")


@pytest.fixture
def table(table_path: Path) -> Table:
    return load_table(table_path)
