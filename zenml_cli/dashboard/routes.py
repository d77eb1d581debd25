"""The dashboard's one route table: every kind of page, where it lives and how it is drawn.

``dashboard build`` walks the table to write every page (``site.site_files``); ``dashboard
serve`` looks a request path up in the same table (``site.render``), so the live server cannot
show a page a build would not write, or miss one. A new page type is one new ``Route`` here
(its paths in ``paths.py``, its HTML in ``pages.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from zenml_cli.dashboard import pages, paths
from zenml_cli.dashboard.data import ModelDetail, ModelSummary, Reader, VersionRow
from zenml_cli.dashboard.style import CSS
from zenml_cli.digits import is_number_text
from zenml_cli.errors import NotFoundError

HTML_TYPE = "text/html; charset=utf-8"
CSS_TYPE = "text/css; charset=utf-8"


@dataclass
class Walk:
    """The reads of one build or one request, so a later page reuses what an earlier one read
    (a build draws the index from the models its model pages just read)."""

    reader: Reader
    _details: dict[str, ModelDetail] = field(default_factory=dict)
    _names: list[str] | None = None

    def model_names(self) -> list[str]:
        if self._names is None:
            self._names = self.reader.model_names()
        return self._names

    def model(self, name: str) -> ModelDetail:
        if name not in self._details:
            self._details[name] = self.reader.model(name)
        return self._details[name]

    def summaries(self) -> list[ModelSummary]:
        names = self.model_names()
        if all(name in self._details for name in names):
            return [self._details[name].summary for name in names]
        return self.reader.summaries()

    def name_by_slug(self, slug: str) -> str | None:
        return next((n for n in self.model_names() if paths.slug(n) == slug), None)

    def model_by_slug(self, slug: str) -> ModelDetail | None:
        name = self.name_by_slug(slug)
        try:
            return None if name is None else self.model(name)
        except NotFoundError:  # deleted between listing and reading
            return None


class Route(Protocol):
    """One kind of page: all of them (for a build) and the one at a path (for the server)."""

    content_type: str

    def every(self, walk: Walk) -> Iterator[tuple[str, str]]:
        """(path relative to the site root, text) of every page of this kind."""
        ...

    def find(self, walk: Walk, relative: str) -> str | None:
        """The text of the page at ``relative``, or None when it is not one of these."""
        ...


class StyleRoute:
    content_type = CSS_TYPE

    def every(self, walk: Walk) -> Iterator[tuple[str, str]]:
        yield paths.STYLE, CSS

    def find(self, walk: Walk, relative: str) -> str | None:
        return CSS if relative == paths.STYLE else None


class ModelRoute:
    """``models/<slug>/index.html``: a model, its versions, charts and stage timeline."""

    content_type = HTML_TYPE

    def every(self, walk: Walk) -> Iterator[tuple[str, str]]:
        for name in walk.model_names():
            yield from self.of_model(walk, walk.model(name))

    def of_model(self, walk: Walk, detail: ModelDetail) -> Iterator[tuple[str, str]]:
        """This route's pages of one model (a build redraws only the models that changed)."""
        yield paths.model_page(detail.summary.name), pages.model_page(detail)

    def find(self, walk: Walk, relative: str) -> str | None:
        parts = relative.split("/")
        if len(parts) != 3 or parts[0] != "models" or parts[2] != paths.INDEX:
            return None
        detail = walk.model_by_slug(parts[1])
        return None if detail is None else pages.model_page(detail)


class VersionRoute:
    """``models/<slug>/<number>.html``: one version, with links to its neighbours."""

    content_type = HTML_TYPE

    def every(self, walk: Walk) -> Iterator[tuple[str, str]]:
        for name in walk.model_names():
            yield from self.of_model(walk, walk.model(name))

    def of_model(self, walk: Walk, detail: ModelDetail) -> Iterator[tuple[str, str]]:
        """Every version page, drawn one at a time from ``Reader.rows`` (a model of 100,000
        versions is streamed, never held): each row waits for the next one's number."""
        name = detail.summary.name
        rows = walk.reader.rows(detail)
        previous: int | None = None
        current = next(rows, None)
        while current is not None:
            following = next(rows, None)
            after = following.number if following is not None else None
            yield (
                paths.version_page(name, current.number),
                _version(walk, name, current, previous, after),
            )
            previous, current = current.number, following

    def find(self, walk: Walk, relative: str) -> str | None:
        parts = relative.split("/")
        if len(parts) != 3 or parts[0] != "models":
            return None
        stem, _, ext = parts[2].partition(".")
        if ext != "html" or not is_number_text(stem):
            return None
        name = walk.name_by_slug(parts[1])
        try:
            found = None if name is None else walk.reader.version_at(name, int(stem))
        except NotFoundError:  # deleted between listing and reading
            return None
        if name is None or found is None:
            return None
        return _version(walk, name, *found)


class IndexRoute:
    """``index.html``: every model with its stage holders; last in a build, so it is drawn
    from the models the pages before it read."""

    content_type = HTML_TYPE

    def every(self, walk: Walk) -> Iterator[tuple[str, str]]:
        yield paths.INDEX, pages.index_page(walk.summaries())

    def row(self, summary: ModelSummary) -> list[str]:
        """A model's row of the index, kept by a rebuild that does not read it again."""
        return pages.index_row(summary)

    def from_rows(self, rows: list[list[str]], total: int) -> tuple[str, str]:
        """The index from its rows (``pages.index_row``): a rebuild keeps the rows of the
        models it did not read again."""
        return paths.INDEX, pages.index_page_of_rows(rows, total)

    def find(self, walk: Walk, relative: str) -> str | None:
        return pages.index_page(walk.summaries()) if relative == paths.INDEX else None


def _version(
    walk: Walk, model: str, row: VersionRow, previous: int | None, following: int | None
) -> str:
    return pages.version_page(walk.reader.version(model, row), previous, following)


class ModelScoped(Route, Protocol):
    """A route whose pages belong to one model: a build draws them model by model."""

    def of_model(self, walk: Walk, detail: ModelDetail) -> Iterator[tuple[str, str]]: ...


STYLE_ROUTE = StyleRoute()
INDEX_ROUTE = IndexRoute()
#: The pages of one model, in the order a build writes them.
MODEL_ROUTES: tuple[ModelScoped, ...] = (ModelRoute(), VersionRoute())
#: Every page type, in the order a build writes them: the stylesheet, each model's pages,
#: the index last (drawn from the rows of every model).
ROUTES: tuple[Route, ...] = (STYLE_ROUTE, *MODEL_ROUTES, INDEX_ROUTE)
