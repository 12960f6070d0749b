"""An early, explained lint: refuse commands seen to write outside the sandbox, before
they run. The kernel sandbox (:mod:`.boundary`) is what stops them; this only says why
early, in the lesson's terms (``lessonrun_lint = False`` turns it off).

The lesson's commands run for real, so each is read first (here-document bodies left out)
for the places it writes: redirections (``>``, ``>>``, ``&>``), the arguments of commands
that create, change or delete files (``mkdir``, ``rm``, ``cp``'s target, ``tee``,
``python -m venv``, ``pip install --target``...), the environment it activates and the
folder it ``cd``'s into. Each must lie inside the sandbox: the mapped storage root, the
temporary home or a relative path that stays there. A Python or pip run by its absolute
path outside the sandbox (the machine's own, the project's ``.venv``) is refused too.
Static and conservative: what it cannot see (a variable's value, ``eval``, a here
document fed to a shell) it lets through, and the kernel sandbox stops.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Sequence

from ..console.model import Command
from ..console.words import simple_commands

_REDIRECT = re.compile(r"^(?:\d*|&)(>>?|>\|)(.*)$")
_DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})
_ALL_ARGS = frozenset(
    {"mkdir", "touch", "rm", "rmdir", "tee", "chmod", "chown", "chgrp", "truncate", "shred",
     "unlink", "virtualenv"}
)  # fmt: skip
_LAST_ARG = frozenset({"cp", "mv", "ln", "rsync", "scp", "install"})
_PIP = re.compile(r"^pip(?:\d+(?:\.\d+)?)?$")
_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)?)?$")
_PIP_DEST = ("--target", "-t", "--prefix", "--root", "--src")
_VALUE_OPTIONS = {"chmod": 1, "chown": 1, "chgrp": 1}  # leading operands that are no paths


def _operands(words: Sequence[str]) -> list[str]:
    return [w for w in words if not w.startswith("-")]


def _option_values(words: Sequence[str], names: Iterable[str]) -> list[str]:
    out = []
    names = tuple(names)
    for i, word in enumerate(words):
        for name in names:
            if word == name and i + 1 < len(words):
                out.append(words[i + 1])
            elif word.startswith(name + "=") and name.startswith("--"):
                out.append(word.partition("=")[2])
    return out


def write_targets(words: Sequence[str]) -> list[tuple[str, str]]:
    """(path, what) pairs a simple command writes to, as written (not expanded)."""
    targets: list[tuple[str, str]] = []
    plain: list[str] = []
    pending_redirect = False
    for word in words:
        if pending_redirect:
            targets.append((word, "redirects output to"))
            pending_redirect = False
            continue
        match = _REDIRECT.match(word)
        if match:
            if match[2]:
                targets.append((match[2], "redirects output to"))
            else:
                pending_redirect = True
            continue
        plain.append(word)
    if not plain:
        return targets
    name, args = posixpath.basename(plain[0]), plain[1:]
    if name in _ALL_ARGS:
        operands = _operands(args)[_VALUE_OPTIONS.get(name, 0) :]
        targets += [(path, f"`{name}` writes to") for path in operands]
    elif name in _LAST_ARG and _operands(args):
        targets.append((_operands(args)[-1], f"`{name}` writes to"))
    elif name == "sed" and any(a.startswith("-i") or a == "--in-place" for a in args):
        targets += [(path, "`sed -i` changes") for path in _operands(args)[1:]]
    elif name in ("cd", "pushd") and _operands(args):
        targets.append((_operands(args)[0], f"`{name}` moves the session to"))
    elif name in ("source", ".") and args and args[0].endswith("/activate"):
        targets.append((args[0].rsplit("/", 2)[0] or "/", "activates (and so installs into)"))
    elif _PYTHON.match(name) and args[:2] == ["-m", "venv"]:
        targets += [(path, "`python -m venv` creates") for path in _operands(args[2:])]
    elif (_PIP.match(name) and args[:1] == ["install"]) or (
        _PYTHON.match(name) and args[:3] == ["-m", "pip", "install"]
    ):
        targets += [
            (path, "`pip install` installs into") for path in _option_values(args, _PIP_DEST)
        ]
    elif name == "conda" and args[:1] in (["create"], ["install"]):
        targets += [
            (path, "`conda` writes to") for path in _option_values(args, ("-p", "--prefix"))
        ]
    elif name == "git" and args[:1] == ["clone"] and len(_operands(args)) >= 3:
        targets.append((_operands(args)[-1], "`git clone` writes to"))
    elif name in ("wget", "curl"):
        targets += [(p, f"`{name}` writes to") for p in _option_values(args, ("-O", "-o", "-P"))]
    return targets


def outside_python(words: Sequence[str], inside: str) -> str | None:
    """A Python or pip run by an absolute path outside the sandbox, which it could change."""
    if not words or not words[0].startswith("/"):
        return None
    name = posixpath.basename(words[0])
    if not (_PIP.match(name) or _PYTHON.match(name)):
        return None
    if _is_inside(posixpath.normpath(words[0]), inside):
        return None
    return words[0]


def _is_inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def check_path(path: str, sandbox: str, home: str, real_home: str) -> str | None:
    """Why writing to ``path`` is refused, or None when it stays in the sandbox.

    ``home`` is the sandbox's home and working directory; ``real_home`` the machine's.
    """
    if not path or path in _DEVICES:
        return None
    if path.startswith("~"):
        head, _, rest = path[1:].partition("/")
        if head:
            return f"`{path}`, another user's home folder, outside the sandbox"
        path = posixpath.join(home, rest)
    elif path.startswith(("$HOME", "${HOME}")):
        path = posixpath.join(home, path.split("}", 1)[-1].removeprefix("$HOME").lstrip("/"))
    elif path.startswith("$"):
        return None  # a variable: its value is the sandbox's (HOME, TMPDIR, VIRTUAL_ENV...)
    if not path.startswith("/"):
        path = posixpath.join(home, path)
    path = posixpath.normpath(path)
    if _is_inside(path, sandbox):
        return None
    if real_home and _is_inside(path, real_home):
        return f"`{path}`, in the machine's real home folder"
    return f"`{path}`, outside the sandbox (only the mapped storage root and the home are in it)"


def refusal(text: str, sandbox: str, home: str, real_home: str | None = None) -> str | None:
    """Why the shell command ``text`` (as it will run) is refused, or None to run it."""
    if real_home is None:
        real_home = os.path.expanduser("~")
    command = Command(offset=0, language="shell", text=text)
    for words in simple_commands(command):
        python = outside_python(words, sandbox)
        if python:
            return f"runs `{python}`, a Python outside the sandbox whose packages it could change"
        for path, what in write_targets(words):
            why = check_path(path, sandbox, home, real_home)
            if why:
                return f"{what} {why}"
    return None
