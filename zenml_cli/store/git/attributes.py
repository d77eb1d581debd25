"""The ``merge=zenml`` block ``zenml git install`` writes into ``.git/info/attributes`` (which
wins over any ``.gitattributes``), one pattern per kind of store file.

A pattern names the store's folder literally, whatever its name holds: a space ended the
pattern (git then read ``models/.zenml/...`` as an attribute name, warned on every command and
never ran the driver), and ``*?[\\`` or a leading ``!`` are glob syntax. So each pattern is
glob-escaped, then written C-quoted (``"ml models/.zenml/models/*/model.*"``), the one form
gitattributes reads for any byte (checked with ``git check-attr`` on git 2.39).
"""

from __future__ import annotations

from pathlib import Path

from zenml_cli.store.git.repo import Repo

BEGIN = "# zenml-cli registry merge (zenml git install) begin"
END = "# zenml-cli registry merge (zenml git install) end"
#: The store files the driver merges, below the store's folder.
PATTERNS = (
    "models/*/model.*",
    "models/*/history.jsonl",
    "models/*/versions/*",
    "artifacts/*/*",
    "runs/*",
)
_GLOB = frozenset("*?[]\\")
_C_ESCAPES = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def write(repo: Repo, stores: list[str]) -> Path:
    """Our block in ``info/attributes`` for ``stores`` (each a ``.zenml`` path inside the
    repository: every store this clone installed for), replacing an earlier one (other lines
    kept)."""
    path = repo.git_dir / "info" / "attributes"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        text = head + rest.partition(END)[2].lstrip("\n")
    block = "\n".join(
        f"{c_quote(f'{glob_escape(store)}/{pattern}')} merge=zenml"
        for store in stores
        for pattern in PATTERNS
    )
    text = (text.rstrip("\n") + "\n" if text.strip() else "") + f"{BEGIN}\n{block}\n{END}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def glob_escape(literal: str) -> str:
    """``literal`` as a gitattributes pattern matching only itself (wildmatch: a backslash
    makes the next character plain; ``!`` is a negation only at the pattern's start)."""
    escaped = "".join(f"\\{char}" if char in _GLOB else char for char in literal)
    return "\\" + escaped if escaped.startswith("!") else escaped


def c_quote(pattern: str) -> str:
    """``pattern`` in C-style double quotes, as gitattributes unquotes a line that starts
    with one (so spaces, ``#`` and quotes stay in the pattern); other control characters as
    octal escapes, non-ASCII as it is (UTF-8)."""
    out = []
    for char in pattern:
        if char in _C_ESCAPES:
            out.append(_C_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):03o}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
