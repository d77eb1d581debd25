"""PyYAML's bytes for plain manifests, written and read back without importing PyYAML.

Importing PyYAML costs a write about a sixth of Python's start-up (compiling its regular
expressions), and a promotion needs only to read one small version file and write
model.yaml. ``dump`` writes exactly what ``codec.encode``'s PyYAML dumper writes, for the
values manifests are made of: mappings with short text keys, lists, single-line printable
ASCII text, int, float, bool and None (``tests/store/test_plain_yaml.py`` compares the two
over many values, odd strings among them). Anything else returns None and PyYAML writes it.

``load`` reads a text back only when it is *exactly* what ``dump`` writes for the value it
read: ``dump(value) == text``. Since ``dump`` is PyYAML's dumper and PyYAML loads what it
dumps as the value dumped, the value is what PyYAML would read; any other text (edited by
hand, written by another tool, unusual in any way) returns None and PyYAML reads it.
"""

from __future__ import annotations

from typing import Any

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
def load(text: str) -> dict[str, Any] | None:
    """The mapping whose ``dump`` is exactly ``text``, or None (then PyYAML reads it)."""
    if not text.endswith("\n") or text == "{}\n":
        return {} if text == "{}\n" else None
    try:
        lines = [_split(line) for line in text[:-1].split("\n")]
        value, end = _node(lines, 0, 0)
    except (_NotPlain, ValueError, IndexError, RecursionError):
        return None
    if end != len(lines) or type(value) is not dict or dump(value) != text:
        return None  # (dump is None for a value too deep to write back)
    return value


def _split(line: str) -> tuple[int, str]:
    content = line.lstrip(" ")
    return len(line) - len(content), content


def _node(lines: list[tuple[int, str]], at: int, indent: int) -> tuple[Any, int]:
    """The block node starting at line ``at`` (indented ``indent``) and the line after it."""
    content = lines[at][1]
    if content.startswith("- "):
        return _read_sequence(lines, at, indent)
    return _read_mapping(lines, at, indent)


def _read_mapping(lines: list[tuple[int, str]], at: int, indent: int) -> tuple[Any, int]:
    found: dict[Any, Any] = {}
    while at < len(lines) and lines[at][0] == indent and not lines[at][1].startswith("- "):
        key, rest = _key(lines[at][1])
        if key in found:
            raise _NotPlain
        if rest:
            found[key] = _inline(rest)
            at += 1
            continue
        at += 1
        if at >= len(lines):
            raise _NotPlain
        deeper, content = lines[at]
        if deeper > indent or (deeper == indent and content.startswith("- ")):
            found[key], at = _node(lines, at, deeper)
        else:
            raise _NotPlain
    if at < len(lines) and lines[at][0] > indent:
        raise _NotPlain
    return found, at


def _read_sequence(lines: list[tuple[int, str]], at: int, indent: int) -> tuple[Any, int]:
    found: list[Any] = []
    while at < len(lines) and lines[at][0] == indent and lines[at][1].startswith("- "):
        rest = lines[at][1][2:]
        if _is_scalar(rest):
            found.append(_inline(rest))
            at += 1
            continue
        lines[at] = (indent + 2, rest)  # "- a: 1" is a mapping (or "- - 1" a list) at +2
        item, at = _node(lines, at, indent + 2)
        found.append(item)
    return found, at


def _is_scalar(rest: str) -> bool:
    """Whether an item's text is one scalar (else a mapping's first key or a nested list)."""
    if rest.startswith("- "):
        return False
    if rest.startswith("'"):
        end = _quote_end(rest, 0)
        return end == len(rest)
    if rest.startswith("{"):
        return True
    return ": " not in rest and not rest.endswith(":")


def _key(content: str) -> tuple[str, str]:
    """A mapping line's key and the text after ``": "`` ('' when the value is below)."""
    if content.startswith("'"):
        end = _quote_end(content, 0)
        key, after = _unquote(content[:end]), content[end:]
    else:
        cut = content.find(": ")
        if cut < 0:
            if not content.endswith(":"):
                raise _NotPlain
            cut = len(content) - 1
        key, after = content[:cut], content[cut:]
    if after == ":":
        return key, ""
    if not after.startswith(": ") or len(after) == 2:
        raise _NotPlain
    return key, after[2:]


def _inline(rest: str) -> Any:
    """A value written on its key's or item's line: a scalar, ``{}``, ``[]`` or a reference."""
    if rest == "{}":
        return {}
    if rest == "[]":
        return []
    if rest.startswith("{"):
        return _read_reference(rest)
    return _read_scalar(rest)


def _read_reference(rest: str) -> dict[str, Any]:
    if not rest.startswith("{number: ") or not rest.endswith("}"):
        raise _NotPlain
    body = rest[len("{number: ") : -1]
    cut = _quote_end(body, 0) if body.startswith("'") else body.find(",")
    number, tail = body[:cut], body[cut:]
    if not tail.startswith(", id: "):
        raise _NotPlain
    return {"number": _read_scalar(number), "id": _read_scalar(tail[len(", id: ") :])}


def _read_scalar(text: str) -> Any:
    if text.startswith("'"):
        if _quote_end(text, 0) != len(text):
            raise _NotPlain
        return _unquote(text)
    tag = resolved_tag(text)
    if tag == "str":
        return text
    if tag == "null":
        return None
    if tag == "bool":
        return text == "true"
    if tag == "int":
        return int(text)  # only its plain decimal spelling survives the round trip
    if tag == "float":
        if text in (".nan", ".inf", "-.inf"):
            return float(text.replace(".", ""))
        return float(text)
    raise _NotPlain


def _quote_end(text: str, start: int) -> int:
    """The index just past the single-quoted scalar opening at ``start``."""
    index = start + 1
    while True:
        close = text.index("'", index)
        if text.startswith("''", close):
            index = close + 2
            continue
        return close + 1


def _unquote(quoted: str) -> str:
    return quoted[1:-1].replace("''", "'")
