"""ZenML's ``depaginate``: every item a list method returns, page after page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from zenml_cli.errors import InvalidInputError

if TYPE_CHECKING:
    from zenml_cli.core.listing import Page

T = TypeVar("T")


def depaginate(list_method: Callable[..., Page[T]], **kwargs: Any) -> list[T]:
    """The items of every page of ``list_method(**kwargs)`` (for example
    ``depaginate(Client().list_model_versions, model_name_or_id="iris")``), asked for page by
    page as ZenML does, so ``size=`` sets how many each call reads."""
    if "page" in kwargs:
        raise InvalidInputError("depaginate reads every page; leave page= out")
    page = list_method(**kwargs)
    items = list(page.items)
    while page.index < page.total_pages:
        page = list_method(**kwargs, page=page.index + 1)
        items += page.items
    return items
