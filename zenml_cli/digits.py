"""Leaf: the one rule for "this text is a number", shared by every layer.

Only ASCII digits are numbers. ``str.isdigit`` also accepts ``"²"`` and ``"٣"``, which ``int``
then refuses or reads as another number, so a bare ``.isdigit()`` anywhere else is a bug
(``tests/core/test_rules.py`` finds one).
"""

from __future__ import annotations


def is_number_text(text: str) -> bool:
    """True for a non-empty run of ASCII digits (a version number, a count, a port)."""
    return text.isascii() and text.isdigit()
