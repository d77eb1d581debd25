"""Reading listed versions from a versions folder's derived index of their output forms
(``Store.version_projections``): the forms the index holds, and records for what it does not
(small folders, manifests that need the checking path). ``version_listing`` lists from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar

from zenml_cli.core import identity
from zenml_cli.core.records import (
    PUBLIC_FORM_INDEX,
    ModelRecord,
    ModelVersionRecord,
    public_form,
)
from zenml_cli.core.version_json import JSON_FORM_INDEX, json_form
from zenml_cli.core.version_reads import read_versions
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import Store

Candidate = tuple[ModelRecord, int]
T = TypeVar("T")


@dataclass
class ReadLog:
    """What one listing attempt met: files that cannot be read (reported, left out), and
    whether anything listed was gone when read (a concurrent rename or delete)."""

    problems: list[CorruptManifestError] = field(default_factory=list)
    unreadable: set[tuple[str, int]] = field(default_factory=set)
    vanished: bool = False
    #: The model folders an all-models listing started from (None: one model was named).
    model_names: list[str] | None = None


@dataclass(frozen=True)
class IndexedForms:
    """A derived index of version forms: its name (it changes whenever ``project`` changes
    what it returns), the projection of a manifest (None: the manifest needs the checking
    path), and the number and id a projected form holds."""

    name: str
    project: Callable[[dict[str, Any]], Any]
    number: Callable[[Any], int]
    id: Callable[[Any], str]


#: The index of public forms (``to_dict()`` without the model context): records and dicts.
PUBLIC_FORMS = IndexedForms(PUBLIC_FORM_INDEX, public_form, itemgetter("number"), itemgetter("id"))
#: The index of JSON pieces (``version_json``): the CLI's compact JSON.
JSON_FORMS = IndexedForms(JSON_FORM_INDEX, json_form, itemgetter(0), itemgetter(1))


#: Turns one model's indexed forms ``[(number, form)]`` into output items, in order (a whole
#: model at a time: one call per item would cost ~10 ms at 10,000 versions).
FromForms = Callable[[ModelRecord, list[tuple[int, Any]]], list[T]]


def read_indexed(
    store: Store,
    log: ReadLog,
    candidates: list[Candidate],
    index: IndexedForms,
    from_forms: FromForms[T],
    from_record: Callable[[ModelVersionRecord], T],
) -> list[T]:
    """The candidates, from the folder's ``index`` of forms where it has one, else (small
    folders, manifests that need the checking path) from records (``from_record``).
    A version file that cannot be read is logged and left out, as is one that is gone (the
    log says so: the caller lists again)."""
    read: dict[str, dict[int, T]] = {}
    for record, numbers in _by_model(candidates):
        forms = store.version_projections(record.name, index.name, index.project, numbers)
        # a form whose number is not its file's goes down the checking path, which names it
        number_of = index.number
        found = [(n, form) for n in numbers if (form := forms.get(n)) and number_of(form) == n]
        if record.version_ids:  # the ids model.yaml holds must be the files' ids
            source = store.versions_source(record.name)
            for n in record.version_ids:
                if form := forms.get(n):
                    identity.check_version(record, n, index.id(form), source)
        items = read[record.name] = dict(
            zip([n for n, _ in found], from_forms(record, found), strict=True)
        )
        if len(items) < len(numbers):
            missing = [n for n in numbers if n not in items]
            for version in _read_each(store, record, missing, log):
                items[version.number] = from_record(version)
    listed = [item for r, n in candidates if (item := read[r.name].get(n)) is not None]
    if len(listed) + len(log.unreadable) < len(candidates):
        log.vanished = True
    return listed


def _read_each(
    store: Store, record: ModelRecord, numbers: list[int], log: ReadLog
) -> list[ModelVersionRecord]:
    """``read_versions``, except that a file that cannot be read goes to the log instead of
    failing the others (all at once first: the common case, where every file is fine)."""
    if not numbers:
        return []
    try:
        return read_versions(store, record, numbers)
    except CorruptManifestError:
        pass
    found = []
    for number in numbers:
        try:
            found.extend(read_versions(store, record, [number]))
        except CorruptManifestError as exc:
            log.problems.append(exc)
            log.unreadable.add((record.name, number))
    return found


def _by_model(candidates: list[Candidate]) -> list[tuple[ModelRecord, list[int]]]:
    """The candidates grouped per model, in first-seen order, so each folder is read once."""
    grouped: dict[str, tuple[ModelRecord, list[int]]] = {}
    for record, number in candidates:
        grouped.setdefault(record.name, (record, []))[1].append(number)
    return list(grouped.values())
