"""The extension's static files (CSS, JavaScript, Mermaid): each part serves only its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

STATIC_DIR = Path(__file__).parent / "static"


def serve_static(*names: str) -> Callable[[Sphinx, Config], None]:
    """A ``config-inited`` listener that adds the files ``names`` of ``static/`` to
    ``html_static_path`` (each once), so that a site gets the files of the parts it uses
    and no other: the theme fixes' files only where they apply, the diagrams' only with
    the diagrams extension."""

    def serve(app: Sphinx, config: Config) -> None:
        known = {str(Path(app.confdir, p).resolve()) for p in config.html_static_path}
        for name in names:
            path = STATIC_DIR / name
            if str(path.resolve()) not in known:
                config.html_static_path.append(str(path))

    return serve
