"""Name rules for models, versions and artifacts (DESIGN section 3).

Names become folder and file names inside a git repository that may be checked out on
Linux, macOS or Windows, so anything a filesystem would mangle is refused up front.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from zenml_cli.core.refs import STAGE_WORDS, is_number_text, stage_word
from zenml_cli.errors import InvalidInputError
from zenml_cli.limits import text_problem

MAX_NAME_LENGTH = 255
#: File systems count bytes, not characters: ``<name>.yaml`` must fit a 255-byte file name.
MAX_NAME_BYTES = 250
FORBIDDEN_CHARACTERS = '/\\:*?"<>|'
#: Names Windows reserves for devices, with or without an extension, in any case.
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")]
)


def normal_form(name: str) -> str:
    """The one spelling a name is compared and stored in (Unicode NFC): "café" typed on a Mac
    (NFD) and on Linux (NFC) must be the same model."""
    return unicodedata.normalize("NFC", name)


def case_clash(name: str, existing: Iterable[str], ignoring: str | None = None) -> str | None:
    """The name among ``existing`` that is ``name`` ignoring case and Unicode spelling (the
    same folder on macOS or Windows), else None; ``ignoring`` is left out (a rename's own
    old name). The one case-clash rule for models and artifacts."""
    folded = normal_form(name).casefold()
    names = list(existing)
    # One normalise + casefold over all names joined (both work per character, and NUL
    # composes with nothing), then a substring search, all in C: checking 10,000 models one
    # by one made every create_model grow with the number of models (issue 21.3).
    everything = "\0" + normal_form("\0".join(names)).casefold() + "\0"
    if f"\0{folded}\0" not in everything:
        return None
    for other in names:
        if other != ignoring and normal_form(other).casefold() == folded:
            return other
    return None


#: A record id as we write them (UUIDs), with or without dashes, in any case.
UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")


def looks_like_id(text: str) -> bool:
    return UUID_PATTERN.match(text) is not None


def id_key(record_id: str) -> str:
    """What ids are compared by: no dashes, lower case. The one id matcher."""
    return record_id.replace("-", "").lower()


def check_name(name: object, what: str) -> str:
    """Return ``name`` in normal form (NFC) if it is a valid model/version/artifact name, else
    raise InvalidInputError.

    ``what`` names the kind of thing in the message ("model name", "version name", ...).
    """
    if not isinstance(name, str):
        raise InvalidInputError(f"{what} must be text, not {type(name).__name__}")
    name = normal_form(name)
    problem = _name_problem(name)
    if problem:
        raise InvalidInputError(f"invalid {what} {_show(name)}: {problem}")
    return name


def check_version_name(name: object) -> str:
    """A version name must also not look like a number or a stage, or references would be
    ambiguous: ``7`` always means number 7 and ``production`` always means the stage."""
    name = check_name(name, "version name")
    if is_number_text(name):
        raise InvalidInputError(
            f"invalid version name {_show(name)}: all digits would read as a version number; "
            "add a letter, e.g. 'v" + name + "'"
        )
    if stage_word(name) is not None:
        raise InvalidInputError(
            f"invalid version name {_show(name)}: it is a stage word "
            f"({', '.join(sorted(STAGE_WORDS))}); choose another name"
        )
    return name


def check_tags(tags: list[str] | None) -> list[str]:
    """Tags are non-empty text; returned sorted and de-duplicated (tags have no order)."""
    for tag in tags or []:
        if not isinstance(tag, str) or not tag.strip():
            raise InvalidInputError(f"invalid tag {tag!r}: tags are non-empty text")
        check_text(tag, "tag")
    return sorted(set(tags or []))


def check_text(value: str | None, what: str) -> str | None:
    """``value`` if it can be stored as text (None passes), else InvalidInputError. Every
    free-text input (descriptions, messages, model fields) is checked before a command writes
    anything, so a bad value fails the command with the store exactly as it was."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(f"{what} must be text, not {type(value).__name__}")
    problem = text_problem(value)
    if problem:
        raise InvalidInputError(f"invalid {what} {value!r}: {problem}")
    return value


def _name_problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"it is {len(name)} characters long (at most {MAX_NAME_LENGTH})"
    size = len(name.encode("utf-8", "surrogatepass"))
    if size > MAX_NAME_BYTES:
        return (
            f"it is {size} bytes long in UTF-8 (at most {MAX_NAME_BYTES}: it becomes a file name)"
        )
    if name in (".", ".."):
        return "'.' and '..' are reserved"
    if name != name.strip():
        return "it starts or ends with white space"
    if name.endswith("."):
        return "it ends with '.' (Windows drops a trailing dot from file names)"
    if name.split(".")[0].rstrip().upper() in WINDOWS_RESERVED:
        return f"{name.split('.')[0]!r} is a device name Windows reserves (as CON, AUX, NUL)"
    for char in name:
        if char in FORBIDDEN_CHARACTERS:
            return f"it contains {char!r} (not allowed: {FORBIDDEN_CHARACTERS})"
        if ord(char) < 32 or ord(char) == 127:
            return "it contains a control character"
    if name.startswith(".tmp-"):
        return "'.tmp-' is reserved for temp files"
    return text_problem(name)


def _show(name: str) -> str:
    shown = name if len(name) <= 40 else name[:37] + "..."
    return repr(shown)
