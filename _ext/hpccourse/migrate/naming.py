"""Names from the page: a step's key from its commands or its file, a script's file name
from what the page says about it (``cat > NAME``, ``sbatch NAME``, the prose)."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

from .lines import FILE_NAME

#: Commands that name the script they write or run.
NAMING = re.compile(
    r"(?:cat\s*>{1,2}\s*|sbatch\s+(?:-\S+\s+)*|bash\s+|sh\s+|chmod\s+\S+\s+|nano\s+|vim?\s+)"
    r"(?P<name>[\w.+-]+\.(?:sh|bash|slurm|sbatch|job|batch))\b"
)
WORD = re.compile(r"[A-Za-z][\w.-]*")
#: Words that say nothing about a step on their own.
DULL = {"sudo", "time", "srun", "the", "and"}


def slug(text: str) -> str:
    """``text`` as a key: letters, digits, ``-`` and ``_``."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")


def file_named_in(texts: Iterable[str]) -> str:
    """The first script name a command or sentence of ``texts`` gives."""
    for text in texts:
        match = NAMING.search(text)
        if match:
            return match["name"]
    for text in texts:
        found = FILE_NAME.findall(text)
        if found:
            return found[-1]
    return ""


def step_stem(commands: list[str], file: str) -> str:
    """What a step does, in a few words: the file's stem, or the first command's words
    (a comment, or a command that is only a fact some clusters do not type, names
    nothing)."""
    if file:
        return slug(file.rsplit(".", 1)[0]) or "script"
    words: list[str] = []
    named = [
        c
        for c in commands
        if not re.fullmatch(r"\s*(?:\{[\w.-]+\}\s*)+", c) and not c.lstrip().startswith("#")
    ]
    for command in named[:1]:
        for token in command.split():
            if "{" in token or token.startswith("-"):
                continue
            word = WORD.match(token.split("/")[-1])
            if word and word.group().lower() not in DULL:
                words.append(word.group().rsplit(".", 1)[0])
            if len(words) == 3:
                break
    return slug("-".join(words)) or "step"


class Names:
    """Unique step keys for one page: ``PAGE-WHAT``, then ``PAGE-WHAT-2``, ..."""

    def __init__(self, page_stem: str, taken: Container[str]) -> None:
        self.page = slug(page_stem) or "page"
        self.taken = taken
        self.given: set[str] = set()
        self.files: dict[str, str] = {}  # file name -> its content, on this page

    def key(self, stem: str) -> str:
        base = f"{self.page}-{stem}" if stem else self.page
        name, number = base, 1
        while name in self.taken or name in self.given:
            number += 1
            name = f"{base}-{number}"
        self.given.add(name)
        return name

    def file(self, name: str, content: str) -> str:
        """``name``, or ``NAME-2.sh``... when the page already has another file so named."""
        base, dot, suffix = name.rpartition(".")
        if not dot:
            base, suffix = name, ""
        candidate, number = name, 1
        while self.files.get(candidate, content) != content:
            number += 1
            candidate = f"{base}-{number}" + (f".{suffix}" if dot else "")
        self.files[candidate] = content
        return candidate
