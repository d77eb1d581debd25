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
from typing import Any

from zenml_cli.dashboard import files, paths
from zenml_cli.dashboard.data import Reader
from zenml_cli.dashboard.markup import esc, page
from zenml_cli.dashboard.routes import HTML_TYPE, ROUTES, Walk
from zenml_cli.errors import ConflictError
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


def build_site(reader: Reader, out: Path) -> BuildResult:
    """Write the site into ``out`` (created if needed); see the module docstring."""
    out = Path(out)
    files.refuse_linked_path(out, MARKER)
    previous = _previous_build(out)  # refuses a folder an earlier build did not write
    files.refuse_links_inside(out)
    written: list[str] = []
    changed = versions = 0
    folders: set[Path] = set()
    for relative, data in site_files(reader):
        target = out / relative
        if target.parent not in folders:
            files.make_folder(target.parent)
            folders.add(target.parent)
        if not files.same_bytes(target, data):
            files.write_file(target, data)
            changed += 1
        written.append(relative)
        if relative.startswith("models/") and not relative.endswith(paths.INDEX):
            versions += 1
    removed = _remove_stale(out, previous - set(written))
    marker = MARKER_HEADER + "".join(f"{p}\n" for p in sorted(written))
    files.write_file(out / MARKER, marker.encode("utf-8"))
    pages_count = sum(1 for p in written if p.endswith(".html"))
    models = sum(1 for p in written if p.startswith("models/") and p.endswith(paths.INDEX))
    return BuildResult(out, pages_count, models, versions, changed, removed)


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


def _previous_build(out: Path) -> set[str]:
    """Files of the earlier build in ``out``; ConflictError if ``out`` holds anything else."""
    if not out.exists():
        return set()
    marker = out / MARKER
    # is_file(): a regular file, never a FIFO or a device; a marker beyond the bound of a
    # manifest is not one this command wrote (a site of 100,000 pages lists ~5 MB)
    if out.is_dir() and marker.is_file() and marker.stat().st_size <= MAX_MANIFEST_BYTES:
        lines = marker.read_text(encoding="utf-8").splitlines()[1:]
        return {line for line in lines if files.is_site_file(line)}
    if out.is_dir() and not any(out.iterdir()):
        return set()
    raise ConflictError(
        f"'{out}' exists and was not written by 'zenml dashboard build'; "
        "choose another --out or empty that folder"
    )


def _remove_stale(out: Path, stale: set[str]) -> int:
    return sum(files.remove_file(out, relative) for relative in sorted(stale))
