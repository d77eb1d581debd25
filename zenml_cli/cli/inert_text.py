"""Store strings on their way to a terminal or a CI log (DESIGN section 12).

A description, tag, metadata key or value, message or (committed) name can hold anything, so
what the CLI prints must not be able to act on the reader's terminal or CI runner:

- control characters (ESC starts terminal sequences: colours, window titles, clipboard writes,
  hyperlinks), line and paragraph separators and bidirectional overrides are shown as their
  Python escapes (``\\x1b``, ``\\u2028``, ``\\u202e``): ``visible``;
- a printed line whose text starts with ``::`` would be a GitHub Actions workflow command
  (``::set-output``, ``::add-mask::``, ``::error``) when it comes from a store string, so such a
  line gets a backslash before its first colon: ``guard_line``;
- YAML output double-quotes a string with line breaks, control characters or a leading ``:``
  and never folds long lines (so no store string starts an output line): ``yaml_text``; JSON
  output escapes DEL and the C1 controls, which ``json.dumps`` leaves raw: ``json_text``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: Bidirectional controls (U+202A-U+202E, U+2066-U+2069) and marks: they reorder what follows.
BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_C1_AND_DEL = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))}
_BIDI_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in BIDI}
_LINE_COMMAND = re.compile(r"^(\s*):(?=:)")


def _hidden(char: str) -> bool:
    return char in BIDI or unicodedata.category(char) in _HIDDEN_CATEGORIES


def visible(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control character, line/paragraph separator and bidi control
    shown as its escape; ``keep_newlines`` leaves ``\\n`` as it is (for our own messages)."""
    if text.isprintable():
        return text
    return "".join(
        repr(c)[1:-1] if _hidden(c) and not (keep_newlines and c == "\n") else c for c in text
    )


def guard_line(line: str) -> str:
    """``line`` with a backslash before its first colon if its text starts with ``::``."""
    return _LINE_COMMAND.sub(r"\1\\:", line, count=1)


def guard_lines(text: str) -> str:
    """``guard_line`` on every line of ``text``."""
    if "::" not in text:
        return text
    return "\n".join(guard_line(line) for line in text.split("\n"))


def json_text(text: str) -> str:
    """JSON text with DEL and C1 controls written as ``\\u`` escapes (they occur only inside
    strings, where the escape means the same character)."""
    return text.translate(_C1_AND_DEL)


def yaml_text(data: Any) -> str:
    """``data`` as block YAML in which no store string can start a line of its own."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        risky = value.startswith(":") or visible(value) != value
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if risky else None)

    Dumper.add_representer(str, text)
    text_out = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=2**31)
    return text_out.translate(_BIDI_ESCAPES)  # only inside the double-quoted ones above
