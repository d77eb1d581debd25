"""Listing model versions with filters, sorting and pages (read-only). The rules for changing
versions live in ``versions``; a single model's description and history in ``model_views``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from zenml_cli.core.listing import Page, check_paging, paginate, parse_sort, text_matcher
from zenml_cli.core.models import get_model, read_model_folder
from zenml_cli.core.records import (
    PUBLIC_FORM_INDEX,
    ModelRecord,
    ModelVersionRecord,
    public_form,
)
from zenml_cli.core.stages import parse_stage
from zenml_cli.core.versions import live_numbers, read_versions
from zenml_cli.enums import ModelStages
from zenml_cli.store import Store

VERSION_SORT_KEYS = ("number", "name", "created", "stage")


def list_versions(
    store: Store,
    model: str | None = None,
    *,
    name: str | None = None,
    stage: str | ModelStages | None = None,
    number: int | None = None,
    tag: str | None = None,
    sort_by: str = "number",
    page: int = 1,
    size: int = 20,
) -> Page[ModelVersionRecord]:
    """A page of versions of one model (or of every model). Filters that need only file names
    and model.yaml (stage, number) are applied before any version file is read, and without a
    name/tag filter or a sort on file contents only the page's files are read."""
    candidates, key, descending = _candidates(store, model, stage, number, sort_by, page, size)
    load = partial(_read_candidates, store)
    return _select(candidates, load, getattr, name, tag, key, descending, page, size)


def list_version_dicts(
    store: Store,
    model: str | None = None,
    *,
    name: str | None = None,
    stage: str | ModelStages | None = None,
    number: int | None = None,
    tag: str | None = None,
    sort_by: str = "number",
    page: int = 1,
    size: int = 20,
) -> Page[dict[str, Any]]:
    """``list_versions`` with each version already in its public form (``to_dict()``), for
    output. Large folders are served from an index of public forms, so listing 10,000
    versions neither parses nor re-validates 10,000 manifests, nor builds records."""
    candidates, key, descending = _candidates(store, model, stage, number, sort_by, page, size)
    load = partial(_read_public_forms, store)
    return _select(candidates, load, _item, name, tag, key, descending, page, size)


Candidate = tuple[ModelRecord, int]
T = TypeVar("T")


def _candidates(
    store: Store,
    model: str | None,
    stage: str | ModelStages | None,
    number: int | None,
    sort_by: str,
    page: int,
    size: int,
) -> tuple[list[Candidate], str, bool]:
    """(model, number) pairs that pass the filters answerable without opening a version."""
    key, descending = parse_sort(sort_by, VERSION_SORT_KEYS)
    check_paging(page, size)
    wanted_stage = _stage_filter(stage)
    models = [get_model(store, model)] if model else _all_models(store)
    candidates: list[Candidate] = []
    for record in models:
        numbers = live_numbers(store, record)
        if wanted_stage == ModelStages.LATEST:
            numbers = numbers[-1:]
        elif wanted_stage is not None:
            numbers = [n for n in numbers if record.stages.stage_of(n) == wanted_stage]
        if number is not None:
            numbers = [n for n in numbers if n == number]
        candidates.extend((record, n) for n in numbers)
    return candidates, key, descending


def _select(
    candidates: list[Candidate],
    load: Callable[[list[Candidate]], list[T]],
    field: Callable[[T, str], Any],
    name: str | None,
    tag: str | None,
    key: str,
    descending: bool,
    page: int,
    size: int,
) -> Page[T]:
    """Filter, sort and page candidates, loading only the page when the contents are not
    needed to decide; ``field(item, key)`` reads a field of whatever ``load`` returns."""
    if name is None and tag is None and key not in ("name", "created"):
        order = {"number": lambda c: (c[0].name, c[1]), "stage": _stage_sort_key}[key]
        candidates.sort(key=order, reverse=descending)
        window = paginate(candidates, page, size)
        return Page(load(window.items), window.index, window.max_size, window.total)
    items = load(candidates)
    match = text_matcher(name)
    if match:
        items = [item for item in items if match(field(item, "name"))]
    if tag is not None:
        items = [item for item in items if tag in field(item, "tags")]
    items.sort(
        key=lambda item: (field(item, key), field(item, "model"), field(item, "number")),
        reverse=descending,
    )
    return paginate(items, page, size)


def _item(item: dict[str, Any], key: str) -> Any:
    return item[key]


def _stage_filter(stage: str | ModelStages | None) -> ModelStages | None:
    if stage is None:
        return None
    text = stage.value if isinstance(stage, ModelStages) else str(stage).casefold()
    if text == ModelStages.LATEST.value:
        return ModelStages.LATEST
    return parse_stage(text)


def _stage_sort_key(candidate: tuple[ModelRecord, int]) -> tuple[str, str, int]:
    record, number = candidate
    return (record.stages.stage_of(number).value, record.name, number)


def _read_candidates(
    store: Store, candidates: list[tuple[ModelRecord, int]]
) -> list[ModelVersionRecord]:
    """Records of the candidates: from the index of public forms where a folder has one (the
    index the CLI lists from; each form passed the fast path's checks when it was indexed),
    else (small folders, manifests that need the checking path) from the manifests."""
    read: dict[tuple[str, int], ModelVersionRecord] = {}
    for record, numbers in _by_model(candidates):
        forms = store.version_projections(record.name, PUBLIC_FORM_INDEX, public_form, numbers)
        stage_of = record.stages.stage_of
        missing = []
        for number in numbers:
            form = forms.get(number)
            if form is None:
                missing.append(number)
                continue
            read[(record.name, number)] = ModelVersionRecord.from_public_form(
                form, record.name, record.id, stage_of(number)
            )
        for version in read_versions(store, record, missing) if missing else ():
            read[(record.name, version.number)] = version
    return [read[(r.name, n)] for r, n in candidates if (r.name, n) in read]


def _read_public_forms(store: Store, candidates: list[Candidate]) -> list[dict[str, Any]]:
    """Public forms of the candidates: from the index of public forms where a folder has one,
    else (small folders, manifests that need the checking path) from records."""
    read: dict[tuple[str, int], dict[str, Any]] = {}
    for record, numbers in _by_model(candidates):
        forms = store.version_projections(record.name, PUBLIC_FORM_INDEX, public_form, numbers)
        stage_of = record.stages.stage_of
        missing = []
        for number in numbers:
            form = forms.get(number)
            if form is None:
                missing.append(number)
                continue
            # A fresh dict per call: the index's own copy must not be changed.
            read[(record.name, number)] = {
                **form,
                "model": record.name,
                "model_id": record.id,
                "stage": stage_of(number).value,
            }
        for version in read_versions(store, record, missing) if missing else ():
            read[(record.name, version.number)] = version.to_dict()
    return [read[(r.name, n)] for r, n in candidates if (r.name, n) in read]


def _by_model(candidates: list[Candidate]) -> list[tuple[ModelRecord, list[int]]]:
    """The candidates grouped per model, in first-seen order, so each folder is read once."""
    grouped: dict[str, tuple[ModelRecord, list[int]]] = {}
    for record, number in candidates:
        grouped.setdefault(record.name, (record, []))[1].append(number)
    return list(grouped.values())


def _all_models(store: Store) -> list[ModelRecord]:
    found = (read_model_folder(store, name) for name in sorted(store.model_names()))
    return [record for record in found if record is not None]
