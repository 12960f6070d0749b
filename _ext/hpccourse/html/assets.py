"""The extension's static folder (CSS, JavaScript, Mermaid), served once by the HTML builders."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

STATIC_DIR = Path(__file__).parent / "static"


def serve_static_dir(app: Sphinx, config: Config) -> None:
    """Add ``static/`` to ``html_static_path`` unless a part already did.

    Connected to ``config-inited`` by each part that ships a file there
    (``lesson``, ``diagrams``, ``choice``), since each can be used alone.
    """
    known = {str(Path(app.confdir, p).resolve()) for p in config.html_static_path}
    if str(STATIC_DIR.resolve()) not in known:
        config.html_static_path.append(str(STATIC_DIR))
