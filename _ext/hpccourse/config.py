"""Every configuration value of the extension, with its type and default."""

from __future__ import annotations

from sphinx.application import Sphinx

from .collect import SHELL_LANGUAGES


def setup(app: Sphinx) -> None:
    """Register the configuration values (``conf.py`` may override each)."""
    # The data table, relative to the source folder.
    app.add_config_value("hpccourse_table", "clusters.toml", "env", types=frozenset({str}))
    # consolecheck rule codes to switch off, e.g. ["CC204"].
    app.add_config_value("consolecheck_disabled_rules", [], "", types=frozenset({list, tuple}))
    # Highlight languages whose blocks consolecheck always checks; blocks in any
    # other language are checked when a line starts with a shell prompt.
    app.add_config_value(
        "consolecheck_languages",
        sorted(SHELL_LANGUAGES),
        "",
        types=frozenset({list, tuple}),
    )
