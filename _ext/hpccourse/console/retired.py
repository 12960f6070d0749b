"""CC110: a command that fetches from a place that no longer serves it.

GitHub turned off the unencrypted ``git://`` protocol on 15 March 2022 ("Improving Git
protocol security on GitHub", the GitHub blog): ``git clone git://github.com/x/y`` and
``pip install git+git://github.com/x/y`` now fail with a timeout or "connection
refused". Pages written before then still show them. The rule knows this one retired
place only; it looks at what is typed, never at output.
"""

from __future__ import annotations

import re

from . import codes
from .model import Command, Problem

#: `git://github.com/...`, alone or after pip's `git+`.
_GIT_PROTOCOL = re.compile(r"(?<![\w+.-])(?:git\+)?git://(?:www\.)?github\.com/\S*")


def retired_urls(command: Command) -> list[Problem]:
    """CC110 for each ``git://github.com/`` address in a shell command, at its row."""
    if "git://" not in command.text:
        return []
    problems = []
    for row, text in enumerate(command.text.split("\n")):
        for match in _GIT_PROTOCOL.finditer(text):
            url = match.group(0).rstrip("'\";)")
            https = "https://" + url.split("://", 1)[1]
            if url.startswith("git+"):
                https = "git+" + https
            at = command.lines[row] if row < len(command.lines) else command.last_offset
            problems.append(
                Problem(
                    codes.RETIRED_URL,
                    f"`{url}`: GitHub no longer serves the `git://` protocol (turned off "
                    f"in March 2022), so the command fails. Write `{https}`.",
                    at,
                )
            )
    return problems
