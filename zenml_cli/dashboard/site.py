"""The site as a whole: every page with its path (for ``build``) and one page by its path
(for ``serve``). Both walk the one route table of ``routes.py`` with the same reader, so the
live server shows exactly what a build would write.

A build writes into its own folder only: a folder it made carries a ``.zenml-dashboard``
marker listing the files it wrote, so a rebuild removes pages of deleted models and versions
(the same store always leaves the same files with the same bytes), and a folder that holds
anything else is refused rather than mixed into. The marker is untrusted (a committed site can
hold anything): only lines naming a page the build itself writes are acted on, and ``files``
refuses any symbolic link in the folder before a byte is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from zenml_cli.dashboard import files, incremental, parallel, paths
from zenml_cli.dashboard.data import Reader
from zenml_cli.dashboard.markup import esc, page
from zenml_cli.dashboard.routes import (
    HTML_TYPE,
    INDEX_ROUTE,
    MODEL_ROUTES,
    ROUTES,
    STYLE_ROUTE,
    Walk,
)
from zenml_cli.errors import ConflictError, InvalidInputError, NotFoundError
from zenml_cli.limits import MAX_MANIFEST_BYTES

MARKER = ".zenml-dashboard"
MARKER_HEADER = "zenml-cli dashboard: files written by 'zenml dashboard build'\n"
__all__ = ["HTML_TYPE", "BuildResult", "build_site", "error_page", "render", "site_files"]


@dataclass
class BuildResult:
    out: Path
    pages: int
    models: int
    versions: int
    written: int  # files whose bytes changed
    removed: int  # files of an earlier build that the store no longer has

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "index": str(self.out / paths.INDEX),
            "pages": self.pages,
            "models": self.models,
            "versions": self.versions,
            "written": self.written,
            "removed": self.removed,
        }


def site_files(reader: Reader) -> Iterator[tuple[str, bytes]]:
    """Every file of the site as (path relative to the root, bytes): each route of the table
    in turn, models in name order and versions in number order, the index last."""
    walk = Walk(reader)
    for route in ROUTES:
        for relative, text in route.every(walk):
            yield relative, text.encode("utf-8")


class _Writer:
    """Puts files into the site folder, rewriting only those whose bytes changed."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: list[str] = []
        self.changed = 0
        self._folders: dict[Path, bool] = {}  # folder: made by this writer (so was empty)

    def put(self, relative: str, data: bytes) -> None:
        target = self.out / relative
        new_folder = self._folders.get(target.parent)
        if new_folder is None:
            new_folder = self._folders[target.parent] = files.make_folder(target.parent)
        same = None if new_folder else files.same_bytes(target, data)
        if same is None:
            files.write_new_file(target, data)
        elif not same:
            files.write_file(target, data)
        self.changed += not same
        self.written.append(relative)


#: One model's part of a build, as plain data (a second process sends it through a pipe):
#: (its row of the index, its number of versions, what to keep of it for the next build or
#: None, the pages it has, how many of them changed); True for a model kept as the last build
#: drew it (its entry says all that), None for one gone since listed.
Drawn = tuple[list[str], int, tuple[Any, ...] | None, list[str], int] | Literal[True] | None


def build_site(reader: Reader, out: Path, *, processes: int | None = None) -> BuildResult:
    """Write the site into ``out`` (created if needed); see the module docstring. Models whose
    files and pages are as the last build left them are not read again (``incremental``).
    ``processes``: how many draw the models (default: two for a big store on a machine with
    two cores, ``parallel.processes_for``); the site is the same either way."""
    out = Path(out)
    _refuse_inside_store(out, reader.registry.store_dir)
    files.refuse_linked_path(out, MARKER)
    previous = _previous_build(out)  # refuses a folder an earlier build did not write
    files.refuse_links_inside(out)
    kept = incremental.load(reader, out)
    writer = _Writer(out)
    writer.put(*_encoded(STYLE_ROUTE.every(Walk(reader))))
    names = reader.model_names()
    if processes is None:
        processes = parallel.processes_for(len(names))
    drawn = parallel.split_map(names, lambda name: _model(reader, out, kept, name), processes)
    rows: list[list[str]] = []
    total = 0
    fresh: dict[str, incremental.Kept] = {}
    for name, found in zip(names, drawn, strict=True):
        if found is None:
            continue  # deleted since it was listed
        if found is True:  # unchanged: as kept
            same = fresh[name] = kept[name]
            writer.written.extend(incremental.model_pages(name, same.numbers))
            rows.append(same.row)
            total += same.versions
            continue
        row, count, plain, pages, changed = found
        entry = None if plain is None else incremental.from_plain(plain)
        if entry is not None:
            fresh[name] = entry
        writer.written.extend(pages)
        writer.changed += changed
        rows.append(row)
        total += count
    index, text = INDEX_ROUTE.from_rows(rows, total)
    writer.put(index, _html(text))
    removed = _remove_stale(out, previous - set(writer.written))
    marker = MARKER_HEADER + "".join(f"{p}\n" for p in sorted(writer.written))
    files.write_file(out / MARKER, marker.encode("utf-8"))
    incremental.save(reader, out, fresh)
    pages_count = len(writer.written) - 1  # every file but the stylesheet
    return BuildResult(out, pages_count, len(rows), total, writer.changed, removed)


def _model(reader: Reader, out: Path, kept: dict[str, incremental.Kept], name: str) -> Drawn:
    """Model ``name``'s part of a build: kept as it is when its files and pages are as the
    last build left them, else read and drawn again."""
    if incremental.unchanged(reader, out, name, kept.get(name)) is not None:
        return True
    writer = _Writer(out)
    drawn = _draw_model(reader, writer, name)
    if drawn is None:
        return None
    row, count, fresh = drawn
    plain = None if fresh is None else fresh.to_plain()
    return row, count, plain, writer.written, writer.changed


def _draw_model(
    reader: Reader, writer: _Writer, name: str
) -> tuple[list[str], int, incremental.Kept | None] | None:
    """Read and write one model's pages: ``(index row, versions, entry to keep or None)``,
    or None when the model is gone."""
    read_at = incremental.now_ns()
    reader.forget_links()
    try:
        detail = reader.model(name)
    except NotFoundError:
        return None
    walk = Walk(reader)
    for route in MODEL_ROUTES:
        for relative, text in route.of_model(walk, detail):
            writer.put(relative, _html(text))
    row = INDEX_ROUTE.row(detail.summary)
    numbers = detail.numbers
    del detail  # before the fingerprints: a model of 100,000 versions holds a lot
    entry = incremental.record(reader, writer.out, name, numbers, row, read_at)
    return row, len(numbers), entry


def _encoded(drawn: Iterator[tuple[str, str]]) -> tuple[str, bytes]:
    relative, text = next(drawn)
    return relative, _html(text)


def render(reader: Reader, path: str) -> tuple[int, str, bytes]:
    """(HTTP status, content type, body) of the page at ``path`` ("/models/x/3.html"), found
    in the same route table a build walks."""
    relative = path.lstrip("/") or paths.INDEX
    walk = Walk(reader)
    for route in ROUTES:
        found = route.find(walk, relative)
        if found is not None:
            return 200, route.content_type, found.encode("utf-8")
    return 404, HTML_TYPE, _html(error_page("Not found", f"No page at {path}."))


def error_page(title: str, text: str) -> str:
    """A page for the live server's errors (its stylesheet link is absolute: any depth)."""
    body = f'<h1>{esc(title)}</h1><p class="error">{esc(text)}</p>'
    return page(title, "/", [(None, title)], body)


def _html(text: str) -> bytes:
    return text.encode("utf-8")


def _refuse_inside_store(out: Path, store_dir: Path) -> None:
    """InvalidInputError for an ``out`` in the store's folder: its pages would be read as
    manifests (``.zenml/models/site`` is a model folder without a model), as a payload folder
    there would (the same rule as ``artifact_store:``)."""
    where, store = out.resolve(), store_dir.resolve()
    if where == store or where.is_relative_to(store):
        raise InvalidInputError(
            f"--out {out} is inside the store's folder {store_dir}, where its pages would be "
            "read as manifests; choose a folder outside .zenml/"
        )


def _previous_build(out: Path) -> set[str]:
    """Files of the earlier build in ``out``; ConflictError if ``out`` holds anything else."""
    if not out.exists():
        return set()
    marker = out / MARKER
    # is_file(): a regular file, never a FIFO or a device; a marker beyond the bound of a
    # manifest is not one this command wrote (a site of 100,000 pages lists ~5 MB)
    if out.is_dir() and marker.is_file() and marker.stat().st_size <= MAX_MANIFEST_BYTES:
        # untrusted lines are kept as they are: only stale ones are acted on, and
        # ``files.remove_file`` removes nothing but a page of a shape the build writes
        return set(marker.read_text(encoding="utf-8").splitlines()[1:])
    if out.is_dir() and not any(out.iterdir()):
        return set()
    raise ConflictError(
        f"'{out}' exists and was not written by 'zenml dashboard build'; "
        "choose another --out or empty that folder"
    )


def _remove_stale(out: Path, stale: set[str]) -> int:
    return sum(files.remove_file(out, relative) for relative in sorted(stale))
