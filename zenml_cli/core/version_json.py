"""Versions as JSON text, kept in a derived index, so compact ``-o json`` output is joined
from ready text instead of unmarshalling, copying and encoding every version again.

A version's public form (``to_dict()``) is the same text in every listing except for the
three fields it takes from its model (``model``, ``model_id``, ``stage``). The index keeps the
form as the pieces of JSON text between those three (``json_form``), and a listing joins each
version's pieces around its model's values (``from_json_forms``): exactly the text
``json.dumps(item, ensure_ascii=False)`` writes for the item, since compact JSON encodes a
value the same wherever it stands.
"""

from __future__ import annotations

import json
from typing import Any

from zenml_cli.core.records import (
    PUBLIC_FORM_INDEX,
    ModelRecord,
    ModelVersionRecord,
    public_form,
)
from zenml_cli.enums import ModelStages

#: Bump when the pieces change how they are cut (the public form's own changes already rename
#: ``PUBLIC_FORM_INDEX``, which this index's name includes).
JSON_FORM_REVISION = 1
#: The fields of ``to_dict()`` a listing fills in from the model, in their output order.
CONTEXT_KEYS = tuple(
    key
    for key in ModelVersionRecord(model="", number=1, name="x", id="x").to_dict()
    if key in ("model", "model_id", "stage")
)
#: ``json.dumps(value, ensure_ascii=False)``, without building an encoder per call.
encode = json.JSONEncoder(ensure_ascii=False).encode


def json_pieces(form: dict[str, Any]) -> tuple[Any, ...]:
    """``(number, id, piece, piece, piece, piece)`` of a public form: the JSON text of the
    form cut where each of ``CONTEXT_KEYS`` takes its value."""
    pieces = []
    text = "{"
    for position, (key, value) in enumerate(form.items()):
        text += (", " if position else "") + encode(key) + ": "
        if key in CONTEXT_KEYS:
            pieces.append(text)
            text = ""
        else:
            text += encode(value)
    pieces.append(text + "}")
    return (form["number"], form["id"], *pieces)


def json_form(data: dict[str, Any]) -> tuple[Any, ...] | None:
    """The projection this index keeps of a version manifest; None as for ``public_form``
    (the manifest then takes the checking path)."""
    form = public_form(data)
    return None if form is None else json_pieces(form)


#: The name of the index of JSON pieces (``indexed_versions.JSON_FORMS``).
JSON_FORM_INDEX = f"json-{JSON_FORM_REVISION}-{PUBLIC_FORM_INDEX}"


def from_json_forms(record: ModelRecord, found: list[tuple[int, tuple[Any, ...]]]) -> list[str]:
    """The JSON text of each indexed version of ``record``, in order."""
    context = {"model": encode(record.name), "model_id": encode(record.id)}
    slots: dict[ModelStages, tuple[str, ...]] = {}  # the three values, per stage
    stage_of = record.stages.stage_of
    texts = []
    for number, (_, _, first, second, third, last) in found:
        stage = stage_of(number)
        values = slots.get(stage)
        if values is None:
            every = {**context, "stage": encode(stage._value_)}
            values = slots[stage] = tuple(every[key] for key in CONTEXT_KEYS)
        one, two, three = values
        texts.append(f"{first}{one}{second}{two}{third}{three}{last}")
    return texts


def record_json(version: ModelVersionRecord) -> str:
    """The JSON text of a version read as a record (one the index does not hold)."""
    return encode(version.to_dict())
