"""Filtering, sorting and paging for list commands, with ZenML's page shape."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from zenml_cli.errors import InvalidInputError

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20
#: ZenML's name-filter operators: ``contains:abc``, ``startswith:x`` ... (plain text = equals).
OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "equals": lambda value, wanted: value == wanted,
    "contains": lambda value, wanted: wanted in value,
    "startswith": lambda value, wanted: value.startswith(wanted),
    "endswith": lambda value, wanted: value.endswith(wanted),
}


@dataclass
class Page(Generic[T]):
    """One page of results (``index`` counts from 1) and the size of the whole result."""

    items: list[T]
    index: int
    max_size: int
    total: int

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

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


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
