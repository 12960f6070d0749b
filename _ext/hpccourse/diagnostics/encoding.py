"""A page that is not valid UTF-8: a warning at its first bad byte, not a traceback.

Sphinx decodes each page before any event sees it and stops the whole build on the first
undecodable byte. Before the pages are read (``env-before-read-docs``) each one is
checked; for a bad one the warning names the file and line, and the build reads the
pages with a decoder that shows each bad byte as U+FFFD, so the page and the rest of the
site still build. The warning is kept with the page, so it is reported until fixed.
"""

from __future__ import annotations

import codecs

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .kept import warn

#: The decoder used while some page is not valid UTF-8.
LENIENT = "hpccourse-utf-8-lenient"


class _LenientDecoder(codecs.BufferedIncrementalDecoder):
    def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:
        text, used = codecs.utf_8_decode(data, "replace", final)
        if not self.__dict__.get("started") and text.startswith("\ufeff"):
            text = text[1:]
        self.started = bool(text) or used > 0
        return text, used


def _find(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != LENIENT:
        return None
    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(
        name=LENIENT,
        encode=utf8.encode,
        decode=lambda data, errors="strict": codecs.utf_8_decode(data, "replace", True),
        incrementalencoder=utf8.incrementalencoder,
        incrementaldecoder=_LenientDecoder,
        streamreader=utf8.streamreader,
        streamwriter=utf8.streamwriter,
    )


codecs.register(_find)


def first_bad_byte(data: bytes, encoding: str) -> tuple[int, str] | None:
    """(line, reason) of the first byte ``data`` cannot be decoded at, or None."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1, exc.reason
    except LookupError:
        return None
    return None


def check_pages(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: find the pages that do not decode; read them leniently."""
    encoding = app.config.source_encoding
    bad: dict[str, tuple[str, int, str]] = {}
    for docname in docnames:
        path = env.doc2path(docname)
        try:
            found = first_bad_byte(path.read_bytes(), encoding)
        except OSError:
            continue
        if found is not None:
            bad[docname] = (str(path), *found)
    if bad:
        env.settings["input_encoding"] = LENIENT
    env.hpccourse_not_utf8 = bad  # type: ignore[attr-defined]


def report(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: warn at a page found undecodable (kept with the page)."""
    found = getattr(app.env, "hpccourse_not_utf8", {}).get(docname)
    if found is None:
        return
    path, line, reason = found
    encoding = app.config.source_encoding.upper().replace("-SIG", "")
    warn(
        app.env,
        f"this file is not saved as {encoding} text ({reason}): save it as {encoding} in "
        "your editor. Meanwhile each unreadable character shows as \ufffd.",
        f"{path}:{line}",
        "encoding",
    )


def forget(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: nothing to keep in the pickled environment."""
    if hasattr(env, "hpccourse_not_utf8"):
        del env.hpccourse_not_utf8  # type: ignore[attr-defined]
    return []


def setup(app: Sphinx) -> None:
    app.connect("env-before-read-docs", check_pages)
    app.connect("source-read", report)
    app.connect("env-updated", forget)
