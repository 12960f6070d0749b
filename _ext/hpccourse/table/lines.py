"""The TOML line index: the line of every section header, key and array element."""

from __future__ import annotations

import re
import tomllib


def index_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map every section header, key and array element of TOML ``text`` to its line.

    Keys are paths: ``("clusters", "uppmax")`` for ``[clusters.uppmax]``,
    ``("steps", "x", "commands")`` for a key, ``("steps", "x", "commands", "0")``
    for an array's first element. Assumes ``text`` is valid TOML.
    """
    return _Indexer(text).run()


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class _Indexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.out: dict[tuple[str, ...], int] = {}

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def advance(self, n: int = 1) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + n)
        self.pos += n

    def skip_space(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.advance()
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.advance((end if end >= 0 else len(self.text)) - self.pos)
            else:
                break

    def run(self) -> dict[tuple[str, ...], int]:
        table: tuple[str, ...] = ()
        while True:
            self.skip_space(newlines=True)
            if self.pos >= len(self.text):
                return self.out
            if self.peek() == "[":
                array = self.peek(2) == "[["
                self.advance(2 if array else 1)
                table = tuple(self.key())
                self.advance(2 if array else 1)
                self.out.setdefault(table, self.line)
            else:
                self.key_value(table)

    def key(self) -> list[str]:
        parts = []
        while True:
            self.skip_space(newlines=False)
            ch = self.peek()
            if ch in "\"'":
                end = self.string_end()
                raw = self.text[self.pos + 1 : end - 1]
                parts.append(raw if ch == "'" else _unescape(raw))
                self.advance(end - self.pos)
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    return parts
                parts.append(match.group(0))
                self.advance(match.end() - self.pos)
            self.skip_space(newlines=False)
            if self.peek() != ".":
                return parts
            self.advance()

    def key_value(self, table: tuple[str, ...]) -> None:
        path = (*table, *self.key())
        self.out.setdefault(path, self.line)
        self.skip_space(newlines=False)
        self.advance()  # "="
        self.skip_space(newlines=False)
        self.value(path)

    def value(self, path: tuple[str, ...]) -> None:
        ch = self.peek()
        if ch == "[":
            self.advance()
            index = 0
            while True:
                self.skip_space(newlines=True)
                if self.peek() == "]":
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                item = (*path, str(index))
                self.out.setdefault(item, self.line)
                self.value(item)
                index += 1
        elif ch == "{":
            self.advance()
            while True:
                self.skip_space(newlines=True)
                if self.peek() == "}":
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                self.key_value(path)
        elif ch in "\"'":
            self.advance(self.string_end() - self.pos)
        else:
            match = re.compile(r"[^,\]\}\s#]+").match(self.text, self.pos)
            self.advance((match.end() if match else self.pos + 1) - self.pos)

    def string_end(self) -> int:
        """The position just after the string starting at ``pos``."""
        text, pos = self.text, self.pos
        quote = text[pos]
        triple = text.startswith(quote * 3, pos)
        delim = quote * 3 if triple else quote
        i = pos + len(delim)
        while i < len(text):
            if quote == '"' and text[i] == "\\":
                i += 2
                continue
            if text.startswith(delim, i):
                run = len(delim)
                while triple and run < 5 and text.startswith(quote, i + run):
                    run += 1  # up to two quotes may end the content: """a""""
                return i + run
            i += 1
        return len(text)


def _unescape(raw: str) -> str:
    try:
        return tomllib.loads(f'k = "{raw}"')["k"]
    except tomllib.TOMLDecodeError:
        return raw


_STRING_OR_COMMENT = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*',
    re.DOTALL,
)


def too_deep_at(text: str, limit: int) -> int | None:
    """The line where arrays and inline tables nest more than ``limit`` deep, or None.

    Brackets in strings and comments do not count. Run before parsing: ``tomllib``
    recurses once per level and fails with a RecursionError near a thousand.
    """
    depth = 0
    pos = 0
    for match in re.finditer(r'[\[\]{}]|"|\'|#', text):
        if match.start() < pos:
            continue
        char = match.group(0)
        if char in "\"'#":
            skipped = _STRING_OR_COMMENT.match(text, match.start())
            pos = skipped.end() if skipped else match.end()
            continue
        depth += 1 if char in "[{" else -1
        if depth > limit:
            return text.count("\n", 0, match.start()) + 1
    return None
