"""PyYAML's bytes for plain manifests, written and read without PyYAML.

Importing PyYAML costs a write about a sixth of Python's start-up, and composing PyYAML's node
graph was most of a cold dashboard build's 40,000 manifest reads (issue 21). Both directions
here stay exactly PyYAML's, and hand anything else to it:

- ``dump`` writes exactly what ``codec.encode``'s PyYAML dumper writes, for the values manifests
  are made of: mappings with short text keys, lists, single-line printable ASCII text, int,
  float, bool and None. Anything else returns None and PyYAML writes it.
- ``parse`` reads the narrow shape that writer produces: a mapping of lines ``key: value`` and
  ``key:`` followed by a deeper block, block sequences (``- item``, also level with their key),
  ``[]``, ``{}`` and one-line flow mappings of plain words (``{number: 3, id: ...}``), plain
  scalars made of word characters, ``.``, ``/``, ``~``, ``+``, ``(``, ``)``, ``-`` and single
  spaces, and one-line single-quoted scalars. Anything else (a comment, a tab, a double-quoted
  or multi-line scalar, a tag, an anchor, a flow sequence with items, odd indentation, a
  duplicate key, deep nesting, a character PyYAML refuses, a plain scalar that is not text, a
  decimal int, a float, a bool or null) returns ``UNKNOWN`` and the caller parses the text with
  PyYAML, so every value and every error stays PyYAML's. Plain scalars are typed by
  ``yaml_resolver.resolved_tag`` (PyYAML's resolver, without importing it) and built as
  PyYAML's safe constructors build them; a date stays for PyYAML (the manifests' loader reads
  it as text, and zenml writes its times quoted).

``tests/store/test_plain_yaml_writer.py`` and ``test_plain_yaml_reader.py`` hold both to PyYAML:
the writer over odd strings and random manifests, the reader over generated, hand-written and
randomly edited manifests.
"""

from __future__ import annotations

import re
from typing import Any

from zenml_cli.limits import MAX_NESTING
from zenml_cli.store.yaml_resolver import resolved_tag

#: The keys of a version reference, written on one line (``codec._dumper``).
REFERENCE_KEYS = ("number", "id")
#: Keys longer than this are left to PyYAML (a long key is written as a complex key).
_MAX_KEY = 100
#: Texts longer than this are left to PyYAML (which folds a line past its width).
_MAX_TEXT = 100_000
#: First characters at which PyYAML quotes a plain scalar (``Emitter.analyze_scalar``).
_FIRST_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",?[]{}")


# --------------------------------------------------------------------------------- writing
def dump(data: Any) -> str | None:
    """``yaml.dump(data, ManifestDumper, sort_keys=False, allow_unicode=True,
    default_flow_style=False, width=1_000_000)``, or None when ``data`` is not plain."""
    if type(data) is not dict or tuple(data) == REFERENCE_KEYS:
        return None
    out: list[str] = []
    try:
        if not data:
            return "{}\n"
        _mapping(data, 0, out, first_inline=False)
    except (_NotPlain, RecursionError):  # nested past Python's limit: PyYAML decides
        return None
    return "".join(out)


class _NotPlain(Exception):
    """A value ``dump`` leaves to PyYAML."""


def _mapping(data: dict[Any, Any], indent: int, out: list[str], *, first_inline: bool) -> None:
    pad = " " * indent
    for index, (key, value) in enumerate(data.items()):
        if type(key) is not str or not key or len(key) > _MAX_KEY:
            raise _NotPlain
        if not (first_inline and index == 0):
            out.append(pad)
        out.append(_text(key, flow=False))
        out.append(":")
        _value(value, indent, out, in_mapping=True)


def _sequence(data: list[Any], indent: int, out: list[str], *, first_inline: bool) -> None:
    pad = " " * indent
    for index, item in enumerate(data):
        if not (first_inline and index == 0):
            out.append(pad)
        out.append("-")
        _value(item, indent, out, in_mapping=False)


def _value(value: Any, indent: int, out: list[str], *, in_mapping: bool) -> None:
    """Everything after a key's ``:`` or an item's ``-``, to the end of its last line."""
    kind = type(value)
    if kind is dict:
        if not value:
            out.append(" {}\n")
        elif tuple(value) == REFERENCE_KEYS:
            out.append(" " + _reference(value) + "\n")
        elif in_mapping:
            out.append("\n")
            _mapping(value, indent + 2, out, first_inline=False)
        else:
            out.append(" ")
            _mapping(value, indent + 2, out, first_inline=True)
    elif kind is list:
        if not value:
            out.append(" []\n")
        elif in_mapping:  # PyYAML's block sequences in a mapping are not indented
            out.append("\n")
            _sequence(value, indent, out, first_inline=False)
        else:
            out.append(" ")
            _sequence(value, indent + 2, out, first_inline=True)
    else:
        out.append(" " + _scalar(value, flow=False) + "\n")


def _reference(value: dict[str, Any]) -> str:
    number, id_ = value["number"], value["id"]
    return f"{{number: {_scalar(number, flow=True)}, id: {_scalar(id_, flow=True)}}}"


def _scalar(value: Any, *, flow: bool) -> str:
    kind = type(value)
    if kind is str:
        return _text(value, flow=flow)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return _float(value)
    raise _NotPlain


def _float(value: float) -> str:
    """``SafeRepresenter.represent_float``."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    if resolved_tag(text) != "float":  # PyYAML would add an explicit tag
        raise _NotPlain
    return text


def _text(value: str, *, flow: bool) -> str:
    """A text scalar as PyYAML's emitter writes it: plain where PyYAML would, else in single
    quotes. Text that is not printable ASCII (so multi-line) or very long is left to PyYAML."""
    if not value.isascii() or not value.isprintable() or len(value) > _MAX_TEXT:
        raise _NotPlain
    if not value:
        return "''"
    if _plain_allowed(value, flow=flow) and resolved_tag(value) == "str":
        return value
    return "'" + value.replace("'", "''") + "'"


def _plain_allowed(value: str, *, flow: bool) -> bool:
    """``Emitter.analyze_scalar``'s ``allow_flow_plain`` / ``allow_block_plain`` for one
    line of printable ASCII (no line breaks or special characters to consider)."""
    if value[0] == " " or value[-1] == " ":
        return False
    if value.startswith(("---", "...")):
        return False
    last = len(value) - 1
    for index, char in enumerate(value):
        followed_by_space = index == last or value[index + 1] == " "
        if index == 0:
            if char in _FIRST_INDICATORS:
                return False
            if char in "?:":
                if flow or followed_by_space:
                    return False
            elif char == "-" and followed_by_space:
                return False
        else:
            if char in _FLOW_INDICATORS:
                if flow:
                    return False
            elif char == ":":
                if flow or followed_by_space:
                    return False
            elif char == "#" and value[index - 1] == " ":
                return False
    return True


# --------------------------------------------------------------------------------- reading
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
#: read at all (tabs, carriage returns, a byte order mark): left to PyYAML. Of ASCII text,
#: the control characters but the line feed; compiling the whole class costs 3.5 ms, paid
#: only by the first text that is not ASCII.
_AVOID_ASCII = re.compile("[^\x0a\x20-\x7e]")
_AVOID = "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"

_STR = "str"
#: An implicit key is at most 1024 characters in YAML; longer ones are PyYAML's to refuse.
MAX_KEY = 1000


class _Refused(Exception):
    """Not a shape this reader vouches for."""


def parse(text: str) -> Any:
    """The mapping ``text`` holds, or ``UNKNOWN`` (see the module docstring)."""
    avoid = _AVOID_ASCII if text.isascii() else re.compile(_AVOID)  # (re caches it)
    if not text.endswith("\n") or avoid.search(text) is not None:
        return UNKNOWN
    lines = text.split("\n")
    lines.pop()
    if not lines or lines[0][:1] in ("", " ", "-"):
        return UNKNOWN
    try:
        value, end = _Reader(lines).block(0, 0, 0)
    except Exception:  # _Refused, or a shape this reader got wrong: PyYAML says what it is
        return UNKNOWN
    return value if end == len(lines) else UNKNOWN


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.indents = [len(line) - len(line.lstrip(" ")) for line in lines]
        self.scalar = plain_scalar

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


def plain_scalar(text: str) -> tuple[str, Any]:
    """``(tag, value)`` of plain scalar ``text`` as the manifests' strict loader gives it
    (PyYAML's safe resolver and constructors, dates left as text), for the texts whose value
    is plain to build; _Refused for the rest (another spelling of a number, a date, a merge
    key), which PyYAML then reads."""
    tag = resolved_tag(text)
    if tag == "str":
        return tag, text
    if tag == "null":
        return tag, None
    if tag == "bool":  # SafeConstructor.bool_values
        return tag, text.lower() in ("yes", "true", "on")
    if "_" in text or ":" in text:  # digit separators, base 60: PyYAML's own arithmetic
        raise _Refused
    body = text[1:] if text[:1] in "+-" else text
    if tag == "int" and (body == "0" or body[:1] in "123456789"):  # decimal: not 0b, 0x, 017
        return tag, int(text)
    if tag == "float":  # SafeConstructor.construct_yaml_float, less the cases refused above
        lowered = body.lower()
        sign = -1.0 if text[0] == "-" else 1.0
        if lowered == ".inf":
            return tag, sign * float("inf")
        if lowered == ".nan":
            return tag, float("nan")
        return tag, sign * float(lowered)
    raise _Refused
