"""Whether writes go to the git remote: ``--push`` / ``Client(push=True)``, else ``$ZENML_PUSH``.

Its own small module because every write asks, and the git engine (``store/git/remote.py``, which
imports subprocess and the rest) is imported only when the answer is yes.
"""

from __future__ import annotations

import os

from zenml_cli.errors import InvalidInputError

ENV_PUSH = "ZENML_PUSH"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def push_enabled(explicit: bool | None = None) -> bool:
    """``explicit`` (``--push``, ``Client(push=True)``) when given, else ``$ZENML_PUSH``."""
    if explicit is not None:
        return explicit
    value = os.environ.get(ENV_PUSH, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInputError(f"{ENV_PUSH}={value!r} is not a switch; use 1/true/yes/on or 0/false")
