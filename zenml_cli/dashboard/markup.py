"""Small HTML helpers: escaping, the page shell, tables, badges and value formatting.

Every piece of text from the store goes through ``esc`` (or a helper that calls it) exactly
once; attribute values are always double-quoted. Pages carry a Content-Security-Policy that
allows no script at all, so even a missed escape could not run code.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from zenml_cli.dashboard.data import is_number as is_number

#: No scripts, no network: only the site's own stylesheet and inline SVG.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)


#: The characters ``escape`` replaces: most text on a page has none of them, and one search
#: costs about half of ``escape``'s five replacements (a model's pages call ``esc`` ~300 times).
_SPECIAL = re.compile("[&<>\"']").search


def esc(value: object) -> str:
    """Text for HTML content or a double-quoted attribute."""
    text = value if type(value) is str else "" if value is None else str(value)
    return escape(text, quote=True) if _SPECIAL(text) else text


def link(href: str, text: object, cls: str = "") -> str:
    """``href`` is built by the site from slugs and numbers; ``text`` is user text."""
    class_attr = f' class="{esc(cls)}"' if cls else ""
    return f'<a href="{esc(href)}"{class_attr}>{esc(text)}</a>'


def badge(stage: str) -> str:
    return f'<span class="badge stage-{esc(stage)}">{esc(stage)}</span>'


def status_badge(status: str) -> str:
    return f'<span class="badge status-{esc(status)}">{esc(status)}</span>'


def tags(values: Iterable[str]) -> str:
    return " ".join(f'<span class="tag">{esc(tag)}</span>' for tag in values)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table in a horizontally scrolling wrapper; cells are already HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    class_attr = f' class="{esc(cls)}"' if cls else ""
    return (
        f'<div class="table-wrap"><table{class_attr}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def fields(pairs: Iterable[tuple[str, str]]) -> str:
    """A definition list of (label, HTML value)."""
    items = "".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in pairs)
    return f'<dl class="fields">{items}</dl>'


def value_text(value: Any, limit: int | None = None) -> str:
    """A metadata value as plain text (not yet escaped): JSON for lists and mappings."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        text = number_text(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return text


def when(iso: str | None) -> str:
    """A stored UTC time, shown to the second (the full value in the tooltip)."""
    if not iso:
        return ""
    short = iso.replace("T", " ")[:19] + ("Z" if iso.endswith("Z") else "")
    return f'<time datetime="{esc(iso)}" title="{esc(iso)}">{esc(short)}</time>'


def number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return f"{value:.1f}"
    return format(value, ".6g")


def size_text(size: int | None) -> str:
    if size is None:
        return ""
    amount = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if amount < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def page(title: str, root: str, crumbs: Sequence[tuple[str | None, str]], body: str) -> str:
    """A whole page. ``root`` is the relative path to the site root ("" or "../../");
    ``crumbs`` are (href or None, text) pairs after the catalogue's own link."""
    trail = [link(f"{root}index.html", "Models")]
    trail += [link(href, text) if href else f"<span>{esc(text)}</span>" for href, text in crumbs]
    nav = ' <span class="sep">/</span> '.join(trail)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="color-scheme" content="light dark">\n'
        '<link rel="icon" href="data:,">\n'
        f'<link rel="stylesheet" href="{root}style.css">\n'
        f"<title>{esc(title)} \u00b7 zenml-cli</title>\n</head>\n<body>\n"
        f'<header><nav class="crumbs">{nav}</nav></header>\n'
        f"<main>\n{body}\n</main>\n"
        "<footer>Built by <code>zenml dashboard</code> from the <code>.zenml/</code> store."
        "</footer>\n</body>\n</html>\n"
    )
