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

    def model_by_slug(self, slug: str) -> ModelDetail | None:
        name = next((n for n in self.model_names() if paths.slug(n) == slug), None)
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
        name = detail.summary.name
        for position, row in enumerate(detail.versions):
            yield paths.version_page(name, row.number), _version(walk, detail, position)

    def find(self, walk: Walk, relative: str) -> str | None:
        parts = relative.split("/")
        if len(parts) != 3 or parts[0] != "models":
            return None
        stem, _, ext = parts[2].partition(".")
        if ext != "html" or not is_number_text(stem):
            return None
        detail = walk.model_by_slug(parts[1])
        numbers = [row.number for row in detail.versions] if detail is not None else []
        if detail is None or int(stem) not in numbers:
            return None
        return _version(walk, detail, numbers.index(int(stem)))


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


def _version(walk: Walk, detail: ModelDetail, position: int) -> str:
    rows: list[VersionRow] = list(detail.versions)
    previous = rows[position - 1].number if position else None
    following = rows[position + 1].number if position + 1 < len(rows) else None
    version = walk.reader.version(detail.summary.name, rows[position])
    return pages.version_page(version, previous, following)


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
