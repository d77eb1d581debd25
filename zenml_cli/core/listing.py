"""Filtering, sorting and paging for list commands, with ZenML's page shape."""

from __future__ import annotations

import gc
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from zenml_cli.core.metadata import MISSING, is_finite_number
from zenml_cli.errors import CorruptManifestError, InvalidInputError
from zenml_cli.limits import DEFAULT_PAGE_SIZE as DEFAULT_PAGE_SIZE

T = TypeVar("T")
#: A page size that holds every item, for a Python caller that wants the whole list.
EVERY_ITEM = sys.maxsize
#: ZenML's name-filter operators: ``contains:abc``, ``startswith:x`` ... (plain text = equals).
OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "equals": lambda value, wanted: value == wanted,
    "contains": lambda value, wanted: wanted in value,
    "startswith": lambda value, wanted: value.startswith(wanted),
    "endswith": lambda value, wanted: value.endswith(wanted),
}


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector held off: a listing builds thousands of small objects that
    all stay alive, which would trigger GC passes over them again and again (several percent
    of listing 1,000 versions in process) to free nothing. Reference counting still frees
    everything else, and the collector runs again afterwards if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Page(Generic[T]):
    """One page of results (``index`` counts from 1) and the size of the whole result."""

    items: list[T]
    index: int
    max_size: int
    total: int
    #: Files that could not be read and are left out of ``items`` (a version file git left
    #: mid-merge must not hide the model's other versions); the CLI shows the rest and exits
    #: 6 naming them, the Python API raises the first.
    problems: list[CorruptManifestError] = field(default_factory=list)

    @property
    def total_pages(self) -> int:
        return max(1, math.ceil(self.total / self.max_size))

    def pagination(self) -> dict[str, int]:
        return {
            "index": self.index,
            "max_size": self.max_size,
            "total_pages": self.total_pages,
            "total": self.total,
        }

    # ZenML's Page reads like a list of its items: ``page[0]``, ``len(page)``, ``x in page``,
    # ``page.size`` (the items on this page; ``max_size`` is the page size asked for).
    @property
    def size(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.items[index]

    def __contains__(self, item: object) -> bool:
        return item in self.items


def check_paging(page: int, size: int) -> None:
    if page < 1:
        raise InvalidInputError(f"--page must be 1 or more, not {page}")
    if size < 1:
        raise InvalidInputError(f"--size must be 1 or more, not {size}")


def paginate(items: Sequence[T], page: int, size: int) -> Page[T]:
    check_paging(page, size)
    start = (page - 1) * size
    return Page(
        items=list(items[start : start + size]), index=page, max_size=size, total=len(items)
    )


def text_matcher(expression: str | None) -> Callable[[str], bool] | None:
    """A predicate for a ZenML-style text filter, or None when there is no filter."""
    if expression is None:
        return None
    operator, sep, wanted = expression.partition(":")
    if sep and operator in OPERATORS:
        test = OPERATORS[operator]
        return lambda value: test(value, wanted)
    return lambda value: value == expression


def parse_sort(sort_by: str, allowed: Sequence[str]) -> tuple[str, bool]:
    """``field``, ``asc:field`` or ``desc:field`` -> (field, descending)."""
    direction, sep, key = sort_by.partition(":")
    if not sep:
        direction, key = "asc", sort_by
    if direction not in ("asc", "desc") or key not in allowed:
        raise InvalidInputError(
            f"cannot sort by {sort_by!r}; use one of {', '.join(allowed)}, "
            "optionally prefixed with asc: or desc:"
        )
    return key, direction == "desc"


# ------------------------------------------------------------------- --where and metadata sorts
#: Longest first, so ``<=`` is not read as ``<`` followed by ``=``.
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}
METADATA_PREFIX = "metadata."


@dataclass(frozen=True)
class Condition:
    """One ``--where 'FIELD OP VALUE'``: ``field`` is a plain field, or ``metadata.KEY``."""

    field: str
    op: str
    value: str

    @property
    def metadata_key(self) -> str | None:
        if self.field.startswith(METADATA_PREFIX):
            return self.field[len(METADATA_PREFIX) :]
        return None

    def matches(self, actual: Any) -> bool:
        """Numbers compare as numbers, anything else as text; a missing value never matches
        (not even ``!=``); a list matches ``==`` when it contains the value. A numeric test of
        metadata (``metadata.auc >= 0.9``) never matches a value that is not a finite number:
        NaN, inf or ``"n/a"`` is a failed measurement, not a high score."""
        if actual is MISSING or actual is None and self.value.casefold() not in ("null", ""):
            return False
        test = COMPARISONS[self.op]
        wanted = _number(self.value)
        if isinstance(actual, list) and self.op in ("==", "!="):
            return (self.value in [text_of(item) for item in actual]) == (self.op == "==")
        if wanted is not None and _is_number(actual):
            return is_finite_number(actual) and test(actual, wanted)
        if wanted is not None and self.metadata_key is not None:
            return False
        return test(text_of(actual), self.value)


#: What an operator is made of: a field or an unquoted value never ends or starts with these.
_OPERATOR_CHARS = ("=", "<", ">", "!")


def parse_where(expression: str, fields: Sequence[str]) -> Condition:
    """``'metadata.auc >= 0.9'``, ``'stage == production'``, ``"name == 'my model'"``."""
    text = expression.strip()
    for op in COMPARISONS:
        left, sep, right = text.partition(op)
        if sep and left.strip() and not any(o in left for o in COMPARISONS):
            field, value = left.strip(), _unquote(right.strip())
            break
    else:
        raise InvalidInputError(
            f"--where {expression!r} has no operator; write 'FIELD OP VALUE' with OP one of "
            f"{' '.join(COMPARISONS)} (e.g. 'metadata.auc >= 0.9')"
        )
    if field.endswith(_OPERATOR_CHARS) or right.lstrip().startswith(_OPERATOR_CHARS):
        # '=>', '=<', '>>', '<>': a typo read as a key ending in '=' (nothing matches) or a
        # value starting with '>' (everything may): refused, never a silently wrong filter
        raise InvalidInputError(
            f"--where {expression!r} has an unknown operator; write 'FIELD OP VALUE' with OP "
            f"one of {' '.join(COMPARISONS)} (quote a value that starts with one: "
            "\"name == '=x'\")"
        )
    if not field.startswith(METADATA_PREFIX) and field not in fields:
        raise InvalidInputError(
            f"--where {expression!r}: unknown field {field!r}; use metadata.KEY or one of "
            f"{', '.join(fields)}"
        )
    if field == METADATA_PREFIX or value == "" and right.strip() == "":
        raise InvalidInputError(f"--where {expression!r} is missing a key or a value")
    return Condition(field, sep, value)


def metadata_sort(items: list[T], value: Callable[[T], Any], descending: bool) -> list[T]:
    """Sort by a metadata value: finite numbers as numbers, then values that are not (NaN,
    inf, text; by their text), then items without it, in both directions: the best version
    by a metric is never a failed run's NaN. The sort is stable, so ties keep the incoming
    (model, number) order."""
    present = [(value(item), item) for item in items]
    missing = [item for found, item in present if found is MISSING or found is None]
    numbers = [(found, item) for found, item in present if is_finite_number(found)]
    others = [
        (text_of(found), item)
        for found, item in present
        if found is not MISSING and found is not None and not is_finite_number(found)
    ]
    numbers.sort(key=lambda pair: pair[0], reverse=descending)
    others.sort(key=lambda pair: pair[0], reverse=descending)
    return [item for _, item in numbers] + [item for _, item in others] + missing


def text_of(value: Any) -> str:
    """How a value reads in a --where comparison: text as is, JSON words for the rest."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, sort_keys=True)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(text: str) -> float | None:
    """The finite number a --where value spells, else None (``nan`` and ``inf`` compare as
    text: ``--where 'metadata.auc == nan'`` finds the failed runs)."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
