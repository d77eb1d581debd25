"""``json.dumps(data, indent=2, ensure_ascii=False)``, byte for byte, about three times faster.

With ``indent`` set, the standard library falls back to its pure-Python generator encoder,
which made JSON rendering the largest cost of listing 10,000 versions. This encoder walks the
plain types the records produce (dict with text keys, list, str, int, bool, None) itself and
hands anything else (floats, tuples, non-text keys, enums ...) to ``json.dumps`` at the right
indentation, so the output never differs from the standard library's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring as encode
from typing import Any

INDENT = "  "


def dumps(data: Any) -> str:
    """The same text as ``json.dumps(data, indent=2, ensure_ascii=False)``."""
    parts: list[str] = []
    _encode(data, "\n", parts.append, {})
    return "".join(parts)


def _encode(
    value: Any, newline: str, out: Callable[[str], None], heads: dict[tuple[str, str], str]
) -> None:
    """Append ``value``'s text to ``out``; ``heads`` memoises the ``,\n  "key": `` prefixes,
    which repeat for every item of a list of records."""
    kind = type(value)
    if kind is dict and all(type(key) is str for key in value):
        if not value:
            out("{}")
            return
        inner = newline + INDENT
        opener = "{" + inner
        for key, item in value.items():
            head = heads.get((opener, key))
            if head is None:
                head = heads[(opener, key)] = opener + encode(key) + ": "
            opener = "," + inner
            kind = type(item)  # scalars inline: a call per value would double the cost
            if kind is str:
                out(head + encode(item))
            elif item is None:
                out(head + "null")
            elif item is True:
                out(head + "true")
            elif item is False:
                out(head + "false")
            elif kind is int:
                out(head + int.__repr__(item))
            elif (kind is list or kind is dict) and not item:
                out(head + ("[]" if kind is list else "{}"))
            else:
                out(head)
                _encode(item, inner, out, heads)
        out(newline + "}")
    elif kind is list:
        if not value:
            out("[]")
            return
        inner = newline + INDENT
        opener = "[" + inner
        for item in value:
            if type(item) is str:
                out(opener + encode(item))
            else:
                out(opener)
                _encode(item, inner, out, heads)
            opener = "," + inner
        out(newline + "]")
    elif kind is str:
        out(encode(value))
    elif value is None:
        out("null")
    elif value is True:
        out("true")
    elif value is False:
        out("false")
    elif kind is int:
        out(int.__repr__(value))
    else:  # anything unusual: let the standard library decide, then indent it to fit
        out(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline))
