"""Code fences of MyST pages: the line of their first command, as directives record it.

myst-parser gives the literal block of a code fence (```` ```console ````) the line of its
opening fence, one line before its first command, and keeps nothing in the doctree that
tells a fence from an indented code block (whose line is its first line already). The
transform of :mod:`.contentlines` looks at the line a literal block from a Markdown file
(whichever extension registered ``.md``: :func:`markdown_suffixes`) names: when it opens
a fence (:func:`is_fence_opening`), the block records the next line as
``hpc_content_line``, as the ``code-block`` and ``prompt`` directives do
(:mod:`.codeblock`), so the checkers report the offending command's own line.
"""

from __future__ import annotations

import re

#: A code fence's opening line: three or more backticks or tildes, after indentation or
#: block-quote marks, with an info string that is not a directive (```` ```{name} ````).
FENCE_OPENING = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})(?![`~])(?![ \t]*\{)")


def is_fence_opening(line: str) -> bool:
    """Whether ``line`` opens a code fence (not a directive fence)."""
    return FENCE_OPENING.match(line) is not None


def markdown_suffixes(source_suffix: dict[str, str]) -> tuple[str, ...]:
    """The suffixes of the pages read as MyST, whoever registered them: myst-parser
    (``markdown``), myst-nb and sphinx-lesson through it (``myst-nb``), or another
    reader of the same syntax. Notebooks (``.ipynb``) hold no fences at file lines."""
    return tuple(
        suffix
        for suffix, kind in source_suffix.items()
        if kind != "restructuredtext" and suffix != ".ipynb"
    )
