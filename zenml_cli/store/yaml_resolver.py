"""Which tag PyYAML's resolver gives a text written plain (``yaml/resolver.py``), without
importing PyYAML: the dumper quotes any text that would read back as something else
(``"yes"``, ``"12"``, ``"2026-01-01"``), and ``plain_yaml`` reads plain scalars by it. Most
texts are answered by a word lookup or a rule read off the patterns (compiling PyYAML's
number patterns was a tenth of a promotion's own work); the rest by those very patterns.
``tests/store/test_plain_yaml_writer.py`` holds every answer to PyYAML's resolver.
"""

from __future__ import annotations

import functools
from typing import Any

from zenml_cli.digits import is_number_text


def resolved_tag(value: str) -> str:
    """The tag PyYAML's resolver gives ``value`` written plain (only the part of the name
    after ``tag:yaml.org,2002:``): anything but ``str`` makes the dumper quote text."""
    first = value[:1]
    if first in _WORDS_FIRST:
        return _WORDS.get(value, "str")
    if first not in _NUMBER_FIRST:  # no resolver starts with it
        return "str"
    known = _number_shortcut(value)
    if known is not None:
        return known
    for tag, pattern in _resolvers().get(first, ()):
        if pattern.match(value):
            return tag
    return "str"


#: The resolvers whose patterns are a handful of words (bool, null, merge, value, yaml), as
#: those words: a set lookup, instead of compiling and matching their patterns.
_WORDS = {
    **dict.fromkeys(
        ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE"],
        "bool",
    ),
    **dict.fromkeys(["on", "On", "ON", "off", "Off", "OFF"], "bool"),
    **dict.fromkeys(["~", "null", "Null", "NULL", ""], "null"),
    "<<": "merge",
    "=": "value",
    **dict.fromkeys("!&*", "yaml"),
}
_WORDS_FIRST = frozenset("yYnNtTfFoO~<=!&*") | {""}
_NUMBER_FIRST = frozenset("-+0123456789.")
_DOT_FLOATS = frozenset([".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"])
#: Every character PyYAML's int pattern can match after its sign.
_INT_CHARS = frozenset("0123456789_:bxabcdefABCDEF")


def _number_shortcut(value: str) -> str | None:
    """The tag of the commonest texts that start like a number, without the float, int and
    timestamp patterns (compiling them was a tenth of a promotion's own work); None when the
    patterns must decide. Each rule is a necessary condition read off those patterns."""
    if is_number_text(value):  # only the int pattern takes bare digits
        octal = all(char in "01234567" for char in value[1:])
        return "int" if value == "0" or value[0] != "0" or octal else "str"
    if _is_stamp(value):
        return "timestamp"
    body = value[1:] if value[0] in "+-" else value
    head, dot, tail = body.partition(".")
    if dot and is_number_text(head) and (not tail or is_number_text(tail)):
        return "float"  # "0.9", "-10.", the commonest floats
    if value[0] == "." and not is_number_text(value[1:2]) and value not in _DOT_FLOATS:
        return "str"  # only ".5", ".inf" and ".nan" are numbers among texts starting "."
    if "." in value or value[4:5] == "-":  # float needs a dot, a timestamp "dddd-"
        return None
    rest = value[1:] if value[0] in "+-" else value
    if any(char not in _INT_CHARS for char in rest):
        return "str"
    return None


def _is_stamp(value: str) -> bool:
    """The shape of every ``created`` time: ``2026-01-01T00:00:00.000000Z``."""
    return (
        len(value) == 27
        and value[4] == value[7] == "-"
        and value[10] == "T"
        and value[13] == value[16] == ":"
        and value[19] == "."
        and value[26] == "Z"
        and is_number_text(value[:4] + value[5:7] + value[8:10] + value[11:13] + value[14:16])
        and is_number_text(value[17:19] + value[20:26])
    )


@functools.cache
def _resolvers() -> dict[str, list[tuple[str, Any]]]:
    """PyYAML's number and time resolvers (``yaml/resolver.py``), by first character,
    compiled on first use (its other resolvers match a few words: ``_WORDS``)."""
    import re

    found: dict[str, list[tuple[str, Any]]] = {}
    for tag, pattern, firsts in _RESOLVERS:
        compiled = re.compile(pattern, re.X)
        for first in firsts:
            found.setdefault(first, []).append((tag, compiled))
    return found


_RESOLVERS: tuple[tuple[str, str, list[str]], ...] = (
    (
        "float",
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
        |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        list("-+0123456789."),
    ),
    (
        "int",
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+
        |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
        list("-+0123456789"),
    ),
    (
        "timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
         (?:[Tt]|[ \t]+)[0-9][0-9]?
         :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
         (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        list("0123456789"),
    ),
)
