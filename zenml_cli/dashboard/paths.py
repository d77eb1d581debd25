"""Where each page lives in the site. Model folders are named by a slug that is safe on any
file system and in any URL (ASCII letters, digits, ``-``, ``_``, ``.``) plus a hash of the
exact name, so names with spaces, unicode, ``#`` or ``%``, or differing only in what the slug
keeps, never collide. Version pages are named by number, unique within a model."""

from __future__ import annotations

import functools
import hashlib
import re

STYLE = "style.css"
INDEX = "index.html"
_UNSAFE = re.compile(r"[^a-z0-9._-]+")


@functools.lru_cache(maxsize=1024)  # a model's pages name its folder a dozen times
def slug(model: str) -> str:
    readable = _UNSAFE.sub("-", model.lower()).strip("-.")[:40].strip("-.") or "model"
    digest = hashlib.sha256(model.encode("utf-8")).hexdigest()[:10]
    return f"{readable}-{digest}"


def model_page(model: str) -> str:
    """The model page, relative to the site root."""
    return f"models/{slug(model)}/{INDEX}"


def version_page(model: str, number: int) -> str:
    """A version page, relative to the site root."""
    return f"models/{slug(model)}/{number}.html"


#: From a model or version page back to the site root.
UP_FROM_MODEL = "../../"
