"""ZenML's numeric filter for a version number, parsed once into a predicate.

ZenML's ``list_model_versions(number=...)`` takes an int, or text: ``"3"``, ``"gte:2"``,
``"lt:5"``, ``"notequals:1"`` (the operators its ``NumericFilter`` allows; ``in:`` and
``oneof:`` are refused there too), or a list of them that must all hold. Anything else is one
InvalidInputError before a file is read, never a comparison of text with an int.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence

from zenml_cli.digits import is_number_text
from zenml_cli.errors import InvalidInputError

#: An int, ``"N"``, ``"OP:N"``, or a list of them (all must hold).
NumberFilter = int | str | Sequence[int | str]
NumberTest = Callable[[int], bool]

OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "equals": operator.eq,
    "notequals": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_FORMS = f"N or OP:N with OP one of {', '.join(OPERATORS)} (e.g. 'gte:2')"


def number_test(wanted: NumberFilter | None) -> NumberTest | None:
    """A predicate on version numbers for ``wanted``, or None when there is no filter."""
    if wanted is None:
        return None
    if isinstance(wanted, Sequence) and not isinstance(wanted, str):
        tests = [_one(item) for item in wanted]
        return lambda number: all(test(number) for test in tests)
    return _one(wanted)


def _one(wanted: int | str) -> NumberTest:
    if isinstance(wanted, bool) or not isinstance(wanted, int | str):
        raise InvalidInputError(f"--number {wanted!r} is not a version number; use {_FORMS}")
    if isinstance(wanted, int):
        return _compare("equals", wanted)
    name, sep, text = wanted.strip().partition(":")
    if not sep:
        name, text = "equals", name
    value = _whole(text)
    if name not in OPERATORS or value is None:
        raise InvalidInputError(f"--number {wanted!r} is not a number filter; use {_FORMS}")
    return _compare(name, value)


def _whole(text: str) -> int | None:
    """The whole number ``text`` spells in ASCII digits (a leading ``-`` allowed, so ``-1``
    gets the "1 or more" error), else None."""
    digits = text[1:] if text.startswith("-") else text
    return int(text) if is_number_text(digits) else None


def _compare(name: str, value: int) -> NumberTest:
    if name == "equals" and value < 1:
        raise InvalidInputError(
            f"--number must be 1 or more (version numbers start at 1), not {value}"
        )
    test = OPERATORS[name]
    return lambda number: test(number, value)
