"""A reader of the block YAML zenml itself writes, several times faster than PyYAML's C parser
(issue 21.3: a cold dashboard build of 10,000 models parses 40,000 manifests, and composing
PyYAML's node graph was most of that).

It understands only the narrow shape ``codec.encode`` produces: a mapping of lines ``key:
value`` and ``key:`` followed by a deeper block, block sequences (``- item``, also level with
their key), ``[]``, ``{}`` and one-line flow mappings of plain words (``{number: 3, id:
...}``), plain scalars made of word characters, ``.``, ``/``, ``~``, ``+``, ``(``, ``)``,
``-`` and single spaces, and one-line single-quoted scalars. Anything else (a comment, a tab,
a double-quoted or multi-line scalar, a tag, an anchor, a flow sequence with items, odd
indentation, a duplicate key, deep nesting, a character PyYAML refuses) returns ``UNKNOWN``
and the caller parses the text with PyYAML as before, so every value and every error stays
PyYAML's. Each plain scalar is typed by the caller's own ``scalar`` function: PyYAML's
resolver and constructors, so ``1.0``, ``true``, ``null``, ``0x1f`` or ``1_000`` mean what
they always meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from zenml_cli.limits import MAX_NESTING


class _Unknown:
    """The text is not one this reader vouches for: parse it with PyYAML."""


UNKNOWN: Any = _Unknown()

#: A plain scalar of one line: no indicator first (``-`` only before a digit or ``.``, as in
#: ``-0.5``), no ``:``, ``#``, ``,``, brackets, quotes or tabs anywhere, no trailing space.
_PLAIN = r"(?:[\w./~+(]|-[\d.])(?:[\w./~+() -]*[\w./~+()-])?"
#: A single-quoted scalar of one line (``''`` is a quote inside).
_QUOTED = r"'(?:[^'\n]|'')*'"
_KEY = re.compile(rf"({_PLAIN}|{_QUOTED}):(?: (.+))?")
_PLAIN_ONLY = re.compile(_PLAIN)
_QUOTED_ONLY = re.compile(_QUOTED)
#: What PyYAML's reader refuses or treats as a line break, and what this reader does not
#: read at all (tabs, carriage returns, a byte order mark): left to PyYAML.
_AVOID = re.compile(
    "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)

_STR = "tag:yaml.org,2002:str"
#: An implicit key is at most 1024 characters in YAML; longer ones are PyYAML's to refuse.
MAX_KEY = 1000
#: ``scalar(text)`` is ``(tag, value)`` of a plain scalar; it raises when the value is not
#: one the caller's constructor builds.
Scalar = Callable[[str], tuple[str, Any]]


class _Refused(Exception):
    """Not a shape this reader vouches for."""


def parse(text: str, scalar: Scalar) -> Any:
    """The mapping ``text`` holds, or ``UNKNOWN`` (see the module docstring)."""
    if not text.endswith("\n") or _AVOID.search(text) is not None:
        return UNKNOWN
    lines = text.split("\n")
    lines.pop()
    if not lines or lines[0][:1] in ("", " ", "-"):
        return UNKNOWN
    try:
        value, end = _Reader(lines, scalar).block(0, 0, 0)
    except Exception:  # _Refused, or a scalar the constructor refuses: PyYAML says what
        return UNKNOWN
    return value if end == len(lines) else UNKNOWN


class _Reader:
    def __init__(self, lines: list[str], scalar: Scalar) -> None:
        self.lines = lines
        self.indents = [len(line) - len(line.lstrip(" ")) for line in lines]
        self.scalar = scalar

    def block(self, at: int, indent: int, depth: int) -> tuple[Any, int]:
        """The mapping or sequence whose first line is ``at``, indented by ``indent``."""
        if depth >= MAX_NESTING:
            raise _Refused
        line = self.lines[at]
        if line.startswith("- ", indent):
            return self.sequence(at, indent, depth)
        return self.mapping(at, indent, depth)

    def mapping(self, at: int, indent: int, depth: int) -> tuple[dict[Any, Any], int]:
        lines, indents = self.lines, self.indents
        found: dict[Any, Any] = {}
        seen: set[tuple[str, str]] = set()
        key_line, end = _KEY.fullmatch, len(lines)
        while at < end:
            line, here = lines[at], indents[at]
            if here < indent or line.startswith("- ", indent):
                break
            if here > indent or line.startswith(("---", "...")):
                raise _Refused
            match = key_line(line, indent)
            if match is None:
                raise _Refused
            key_text, value_text = match.groups()
            key = self.key(key_text, seen)
            at += 1
            if value_text is not None:
                found[key] = self.inline(value_text, depth + 1)
                continue
            if at == end:
                raise _Refused  # ``key:`` and nothing: a null zenml never writes
            below = indents[at]
            if below > indent or (below == indent and lines[at].startswith("- ", indent)):
                found[key], at = self.block(at, below, depth + 1)
            else:
                raise _Refused
        return found, at

    def sequence(self, at: int, indent: int, depth: int) -> tuple[list[Any], int]:
        lines, indents, found = self.lines, self.indents, []
        while at < len(lines):
            line = lines[at]
            if indents[at] != indent or not line.startswith("- ", indent):
                if indents[at] > indent:
                    raise _Refused
                break
            item = line[indent + 2 :]
            if _KEY.fullmatch(item) is not None:  # ``- key: value``: a mapping in the item
                lines[at] = " " * (indent + 2) + item
                indents[at] = indent + 2
                value, at = self.block(at, indent + 2, depth + 1)
                found.append(value)
            else:
                found.append(self.inline(item, depth + 1))
                at += 1
        return found, at

    def key(self, text: str, seen: set[tuple[str, str]]) -> Any:
        if len(text) > MAX_KEY:
            raise _Refused  # PyYAML refuses a key this long
        if text[0] == "'":
            tag, source = _STR, _unquoted(text)
            value: Any = source
        else:
            (tag, value), source = self.scalar(text), text
        if (tag, source) in seen:
            raise _Refused  # PyYAML's constructor says which key is doubled
        seen.add((tag, source))
        return value

    def inline(self, text: str, depth: int) -> Any:
        """A value on the line of its key or dash."""
        first = text[0]
        if first == "'":
            if _QUOTED_ONLY.fullmatch(text) is None:
                raise _Refused
            return _unquoted(text)
        if first in "[{":
            if depth >= MAX_NESTING:
                raise _Refused
            if text == "[]":
                return []
            if text == "{}":
                return {}
            if first == "{" and text[-1] == "}":
                return self.flow_mapping(text[1:-1])
            raise _Refused
        if _PLAIN_ONLY.fullmatch(text) is None:
            raise _Refused
        return self.scalar(text)[1]

    def flow_mapping(self, inner: str) -> dict[Any, Any]:
        """``{a: b, c: d}`` of plain words, as the dumper writes a version reference."""
        found: dict[Any, Any] = {}
        seen: set[tuple[str, str]] = set()
        for pair in inner.split(", "):
            key_text, sep, value_text = pair.partition(": ")
            if not sep or _PLAIN_ONLY.fullmatch(key_text) is None:
                raise _Refused
            if _PLAIN_ONLY.fullmatch(value_text) is None:
                raise _Refused
            found[self.key(key_text, seen)] = self.scalar(value_text)[1]
        return found


def _unquoted(text: str) -> str:
    return text[1:-1].replace("''", "'")
