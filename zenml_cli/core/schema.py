"""The fields of the records, said once.

``MODEL_TEXT_FIELDS`` (a model's free-text fields, with the help people read) drives the model
manifest, the checks, ``Model.model_fields`` and the CLI's help; ``VERSION_FIELDS`` drives a
version manifest's encoding, its checked parsing and its fast parsing. The public Python
signatures (``Client.create_model``, ``Model(...)``) still spell the ZenML parameters out, so
that readers and type checkers see them; ``tests/core/test_schema.py`` keeps them equal to this.

Each field has a *kind*, which knows how to read it fast (``fast``: the value, or ``BAD`` when
it is not exactly what zenml-cli writes, which sends the manifest down the checking path), how
to read it checked (``checked``: the value, or CorruptManifestError naming the file and field)
and how to write it (``dump``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from zenml_cli.core.manifest_check import ManifestChecker

#: A model's free-text fields and their help text, in manifest order.
MODEL_TEXT_FIELDS: dict[str, str] = {
    "license": "The model's license.",
    "description": "What the model does.",
    "audience": "Who the model is meant for.",
    "use_cases": "What the model is meant to be used for.",
    "limitations": "The model's known limitations.",
    "trade_offs": "The model's known trade-offs.",
    "ethics": "Ethical considerations of the model.",
}

#: What ``Kind.fast`` returns for a value that is not exactly what zenml-cli writes.
BAD: Any = object()


class Kind(NamedTuple):
    fast: Callable[[Any], Any]
    checked: Callable[[ManifestChecker, str], Any]
    #: How the value is written; None: as it is.
    dump: Callable[[Any], Any] | None = None


def _required_text(value: Any) -> Any:
    return value if type(value) is str and value else BAD


def _optional_text(value: Any) -> Any:
    return value if value is None or type(value) is str else BAD


def _stamp(value: Any) -> Any:
    return "" if value is None else value if type(value) is str else BAD


def _number(value: Any) -> Any:
    return value if type(value) is int and value >= 1 else BAD


def _flag(value: Any) -> Any:
    return value if type(value) is bool else BAD


def _texts(value: Any) -> Any:
    if value is None:
        return []
    if type(value) is not list or not all(type(item) is str for item in value):
        return BAD
    return value


def _mapping(value: Any) -> Any:
    return {} if value is None else value if type(value) is dict else BAD


REQUIRED_TEXT = Kind(_required_text, lambda c, k: c.text(k, required=True) or "")
OPTIONAL_TEXT = Kind(_optional_text, lambda c, k: c.text(k))
#: Text that reads as "" when absent (times and actors).
STAMP = Kind(_stamp, lambda c, k: c.text(k) or "")
NUMBER = Kind(_number, lambda c, k: c.number(k, required=True))
FLAG = Kind(_flag, lambda c, k: c.boolean(k, False))
#: A list of text whose order matters (run ids, in the order they attached).
TEXTS = Kind(_texts, lambda c, k: c.text_list(k), list)
#: A set of text, written sorted as plain strings (tags, which the SDK hands out as ``Tag``).
TAGS = Kind(_texts, lambda c, k: c.text_list(k), lambda value: sorted({str(v) for v in value}))
MAPPING = Kind(_mapping, lambda c, k: c.mapping(k))


class Field(NamedTuple):
    """One record attribute and the manifest key it is stored under."""

    attr: str
    key: str
    kind: Kind
    #: What a manifest without the key means (None for all but flags).
    absent: Any = None


#: A version manifest's plain fields, in the order they are written (``artifacts`` is nested
#: and handled beside these, between ``metadata`` and ``runs``).
VERSION_FIELDS = (
    Field("id", "id", REQUIRED_TEXT),
    Field("number", "number", NUMBER),
    Field("name", "name", REQUIRED_TEXT),
    Field("description", "description", OPTIONAL_TEXT),
    Field("tags", "tags", TAGS),
    Field("created", "created", STAMP),
    Field("created_by", "created_by", STAMP),
    Field("producing_run", "producing_run", OPTIONAL_TEXT),
    Field("from_failed_run", "from_failed_run", FLAG, absent=False),
    Field("run_metadata", "metadata", MAPPING),
)
#: Written after ``artifacts``.
VERSION_TRAILING_FIELDS = (Field("pipeline_run_ids", "runs", TEXTS),)
