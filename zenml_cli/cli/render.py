"""Turning results into output: tables for people, JSON/YAML/CSV/TSV for scripts.

Data goes to stdout, messages to stderr, so ``zenml ... -o json | jq`` always sees clean JSON.
Tables are drawn here (no rich: a 1,000-row table costs a few milliseconds, not 500).
Store strings are untrusted: ``inert_text`` keeps them from acting on a terminal or CI log,
and CSV/TSV cells that a spreadsheet would run as a formula get a leading ``'``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

import typer

from zenml_cli.cli.inert_text import guard_line, guard_lines, json_text, visible, yaml_text
from zenml_cli.digits import is_number_text


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    YAML = "yaml"


class ListOutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    YAML = "yaml"
    CSV = "csv"
    TSV = "tsv"


def message(text: str) -> None:
    """A note for the person at the terminal (stderr, so stdout stays pure data)."""
    typer.echo(guard_lines(visible(text, keep_newlines=True)), err=True)


def render_record(data: dict[str, Any], output: str, title: str | None = None) -> None:
    """One record: a two-column table, or the mapping as JSON/YAML."""
    if output == "table":  # empty fields say nothing to a person; JSON/YAML keep them all
        rows = [(key, _cell(value)) for key, value in data.items() if _cell(value) != ""]
        _print_table(["field", "value"], rows, title)
    else:
        _print_structured(data, output)


def render_write(
    data: dict[str, Any], output: str, verbose: bool, title: str | None = None
) -> None:
    """What a write returns: the record with -o json|yaml or -v; else nothing on stdout
    (the one line saying what happened goes to stderr)."""
    if output != "table" or verbose:
        render_record(data, output, title)


def render_list(
    items: list[dict[str, Any]],
    pagination: dict[str, int] | None,
    output: str,
    columns: Sequence[str],
    title: str | None = None,
    newest: str | None = None,
    priority: Sequence[str] | None = None,
    fields: Callable[[], Sequence[str]] | None = None,
) -> None:
    """A list: a table of ``columns``; JSON/YAML as ``{"items": [...], "pagination": {...}}``
    like ZenML's pages; CSV/TSV as a header row plus one row per item with every field.
    ``fields()`` names every field an item may have: the CSV/TSV header is those, in that
    order, whatever the items hold, so a script that picks columns by position reads the same
    column in an empty list, or when the first item lacks an optional field (any other key an
    item has is appended).

    ``priority`` names the table's columns from most to least important (default: their
    order): a narrow terminal drops the least important first."""
    if output == "table":
        if not items:  # an empty frame says less than a sentence
            message(
                f"no {title or 'items'} found"
                + (" on this page" if pagination and pagination["total"] else "")
            )
            return
        rows = [tuple(_cell(item.get(column)) for column in columns) for item in items]
        _print_table(list(columns), rows, title, priority)
        if pagination and pagination["total_pages"] > 1:
            index, pages = pagination["index"], pagination["total_pages"]
            more = f"next: --page {index + 1}" if index < pages else "first: --page 1"
            first = f"; newest first: --sort-by {newest}" if newest else ""
            message(
                f"page {index} of {pages} ({pagination['total']} in all); {more}, or --size{first}"
            )
        return
    if output in ("csv", "tsv"):
        known = list(fields()) if fields else [] if items else list(columns)
        header = list(dict.fromkeys([*known, *(key for item in items for key in item)]))
        _print_delimited(items, header, "," if output == "csv" else "\t")
        return
    body: dict[str, Any] = {"items": items}
    if pagination is not None:
        body["pagination"] = pagination
    _print_structured(body, output)


def compact_json() -> bool:
    """JSON is indented for a person at a terminal; compact when piped, where scripts read it
    and the C encoder (only used without indent) writes 10,000 versions 4x faster (like gh)."""
    return not sys.stdout.isatty()


def render_json_texts(items: list[str], pagination: dict[str, int] | None) -> None:
    """``render_list``'s compact JSON for items already encoded one by one (each as
    ``json.dumps(item, ensure_ascii=False)`` writes it): the same text, byte for byte."""
    text = '{"items": [' + ", ".join(items) + "]"
    if pagination is not None:
        text += ', "pagination": ' + json.dumps(pagination, ensure_ascii=False)
    typer.echo(json_text(text + "}"))


def _print_structured(data: Any, output: str) -> None:
    if output == "json":
        indent = None if compact_json() else 2
        typer.echo(json_text(json.dumps(data, indent=indent, ensure_ascii=False)))
    else:
        typer.echo(yaml_text(data), nl=False)


def _print_delimited(items: list[dict[str, Any]], fields: list[str], delimiter: str) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(fields)
    for item in items:
        writer.writerow([_formula_safe(_cell(item.get(field))) for field in fields])
    typer.echo(guard_lines(buffer.getvalue()), nl=False)


#: What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_safe(text: str) -> str:
    """``text``, with a leading ``'`` if a spreadsheet would run it as a formula (a number such
    as ``-0.5`` stays as it is)."""
    if not text.startswith(FORMULA_STARTS):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


#: Shorter headers for long field names, so a narrow table keeps more columns.
HEADER_LABELS = {
    "staging_version": "staging",
    "production_version": "production",
    "created_by": "by",
    "step_count": "steps",
    "materializer": "materializer",
}
#: ANSI colours of stage words (green production, yellow staging, dim archived).
STAGE_COLOURS = {"production": "32", "staging": "33", "archived": "2"}
STAGE_COLUMNS = frozenset({"stage", "from", "to", "value"})
#: Free text that folds well at spaces: it may shrink to its header's width.
TEXT_COLUMNS = frozenset({"message", "description"})
GAP = "  "
#: ``zenml --no-color`` (the root callback sets it on every call).
NO_COLOR_FLAG = False


def table_width() -> int:
    """The terminal's width; when piped, $COLUMNS if set, else 200 (a CI log has no width)."""
    import os

    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if is_number_text(columns) and int(columns) > 0 else 200


def use_colour() -> bool:
    """Colour on a terminal unless NO_COLOR (or --no-color); FORCE_COLOR forces it."""
    import os

    if NO_COLOR_FLAG or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _print_table(
    headers: list[str],
    rows: Sequence[Sequence[str]],
    title: str | None,
    priority: Sequence[str] | None = None,
) -> None:
    """A plain, aligned table that fits the width: when even the headers do not fit, the
    least important columns (last in ``priority``, default the headers' order) are dropped,
    the others keep their order; long cells fold onto more lines; a header is never split."""
    labels = [HEADER_LABELS.get(header, header) for header in headers]
    width = table_width()
    natural = [len(label) for label in labels]
    for row in rows:
        for index, cell in enumerate(row):
            if len(cell) > natural[index]:
                natural[index] = len(cell)
    minimum = [
        max(len(label), min(natural[i], 8 if headers[i] in TEXT_COLUMNS else 12))
        for i, label in enumerate(labels)
    ]
    ranked = _ranked(headers, priority)
    kept = _columns_that_fit(ranked, minimum, width)
    dropped = [labels[i] for i in range(len(labels)) if i not in kept]
    headers, labels = [headers[i] for i in kept], [labels[i] for i in kept]
    natural, minimum = [natural[i] for i in kept], [minimum[i] for i in kept]
    rows = [[row[i] for i in kept] for row in rows]
    keep = len(kept)
    widths = natural[:keep]
    excess = sum(widths) + len(GAP) * (keep - 1) - width
    order = sorted(range(keep), key=lambda i: ranked.index(kept[i]))
    for index in reversed(order):  # the least important columns give first...
        give = min(max(excess, 0), max(0, widths[index] - max(minimum[index], 20)))
        widths[index] -= give
        excess -= give
    while excess > 0:  # ...then the widest column that can still give
        widest = max(
            (i for i in range(keep) if widths[i] > minimum[i]),
            key=lambda i: widths[i],
            default=None,
        )
        if widest is None:
            break
        widths[widest] -= 1
        excess -= 1
    colour = use_colour()
    stage_at = {i for i in range(keep) if headers[i] in STAGE_COLUMNS} if colour else set()
    out: list[str] = []
    if title:
        out.append(f"\x1b[1m{title}\x1b[0m" if colour else title)
    header = GAP.join(label.ljust(widths[i]) for i, label in enumerate(labels[:keep])).rstrip()
    out.append(f"\x1b[1m{header}\x1b[0m" if colour else header)
    for row in rows:
        cells = [_fold(row[i], widths[i]) for i in range(keep)]
        for line in range(max(len(c) for c in cells)):
            parts = []
            for i, folded in enumerate(cells):
                text = folded[line] if line < len(folded) else ""
                padded = text.ljust(widths[i])
                if i in stage_at and text in STAGE_COLOURS:
                    padded = f"\x1b[{STAGE_COLOURS[text]}m{text}\x1b[0m" + padded[len(text) :]
                parts.append(padded)
            out.append(guard_line(GAP.join(parts).rstrip()))
    typer.echo("\n".join(out), color=colour)
    if dropped:
        message(
            f"({', '.join(dropped)} not shown at {width} columns; "
            "widen the terminal, set COLUMNS, or use -o json)"
        )


def _ranked(headers: Sequence[str], priority: Sequence[str] | None) -> list[int]:
    """Column indices from most to least important: ``priority``'s, then the rest in order."""
    ranked = [headers.index(name) for name in priority or () if name in headers]
    return ranked + [i for i in range(len(headers)) if i not in ranked]


def _columns_that_fit(ranked: list[int], minimum: list[int], width: int) -> list[int]:
    """The columns kept (in display order): the least important go first until the rest fit
    at their minimum widths; the most important always stays."""
    kept = sorted(ranked)
    for index in reversed(ranked):
        if len(kept) == 1 or sum(minimum[i] for i in kept) + len(GAP) * (len(kept) - 1) <= width:
            break
        kept.remove(index)
    return kept


def _fold(text: str, width: int) -> list[str]:
    """A cell's lines at ``width``: its own line breaks, then long lines cut at a space when
    there is one near the end, else at the width."""
    if len(text) <= width and "\n" not in text:
        return [text]
    lines: list[str] = []
    for line in text.split("\n") or [""]:
        while len(line) > width:
            cut = line.rfind(" ", width // 2, width + 1)
            cut = cut if cut > 0 else width
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        lines.append(line)
    return lines


def _cell(value: Any) -> str:
    """A value as one line of table or CSV text (control characters shown as escapes)."""
    return visible(_text(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return str(value)
