"""Listing model versions with filters, sorting and pages (read-only). The rules for changing
versions live in ``versions``; a single model's description and history in ``model_describe``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, Unpack

from zenml_cli.core.indexed_versions import (
    JSON_FORMS,
    PUBLIC_FORMS,
    Candidate,
    ReadLog,
    read_indexed,
)
from zenml_cli.core.listing import (
    METADATA_PREFIX,
    Condition,
    Page,
    check_paging,
    gc_paused,
    metadata_sort,
    paginate,
    parse_sort,
    parse_where,
    text_matcher,
)
from zenml_cli.core.metadata import lookup
from zenml_cli.core.models import LIST_ATTEMPTS, get_model, read_model_folder
from zenml_cli.core.number_filter import NumberTest, number_test
from zenml_cli.core.records import ModelRecord, ModelVersionRecord
from zenml_cli.core.refs import parse_stage
from zenml_cli.core.version_json import from_json_forms, record_json
from zenml_cli.core.version_reads import live_numbers
from zenml_cli.enums import ModelStages
from zenml_cli.errors import ConflictError, CorruptManifestError
from zenml_cli.store import Store
from zenml_cli.store.linked import LinkedFolderError

if TYPE_CHECKING:
    from zenml_cli.core.keywords import VersionFilters

VERSION_SORT_KEYS = ("number", "name", "created", "stage")
#: Plain fields a ``--where`` can test (besides ``metadata.KEY``).
WHERE_FIELDS: tuple[str, ...] = (
    *("number", "name", "stage", "model", "id", "description", "tags", "created"),
    *("created_by", "producing_run", "from_failed_run"),
)


def list_versions(
    store: Store, model: str | None = None, **filters: Unpack[VersionFilters]
) -> Page[ModelVersionRecord]:
    """A page of versions of one model (or of every model). Filters that need only file names
    and model.yaml (stage, number) are applied before any version file is read, and without a
    name/tag filter or a sort on file contents only the page's files are read."""
    query, where_to = _planned(model, filters)
    return _consistent(store, query, where_to, _read_candidates, _attribute)


def list_version_dicts(
    store: Store, model: str | None = None, **filters: Unpack[VersionFilters]
) -> Page[dict[str, Any]]:
    """``list_versions`` with each version already in its public form (``to_dict()``), for
    output. Large folders are served from an index of public forms, so listing 10,000
    versions neither parses nor re-validates 10,000 manifests, nor builds records."""
    query, where_to = _planned(model, filters)
    return _consistent(store, query, where_to, _read_public_forms, _item)


def list_version_json(
    store: Store, model: str | None = None, **filters: Unpack[VersionFilters]
) -> Page[str] | None:
    """``list_version_dicts`` with each item as its compact JSON text (what ``json.dumps(item,
    ensure_ascii=False)`` writes), joined from an index of JSON pieces (``version_json``);
    None when a filter or the order needs the versions' contents (then list the dicts)."""
    query, where_to = _planned(model, filters)
    if query.needs_contents:
        return None
    return _consistent(store, query, where_to, _read_json, _no_field)


def _planned(model: str | None, filters: VersionFilters) -> tuple[_Query, _WhereTo]:
    """A listing's query on contents and its filters on file names and model.yaml (by
    default: sorted by number, the first page of 20). A bad filter is refused here, before
    anything is read."""
    wheres = [parse_where(w, WHERE_FIELDS) for w in filters.get("where") or ()]
    query = _Query(
        filters.get("name"), filters.get("tag"), filters.get("sort_by", "number"), wheres
    )
    where_to = (
        model, filters.get("stage"), number_test(filters.get("number")),
        filters.get("page", 1), filters.get("size", 20),
    )  # fmt: skip
    return query, where_to


#: ``(model, stage, number test, page, size)``: what a listing narrows to before reading a
#: version.
_WhereTo = tuple[str | None, str | ModelStages | None, NumberTest | None, int, int]
T = TypeVar("T")


Loader = Callable[[Store, ReadLog, list[Candidate]], list[T]]


def _consistent(
    store: Store,
    query: _Query,
    where_to: _WhereTo,
    load: Loader[T],
    field: Callable[[T, str], Any],
) -> Page[T]:
    """A page whose items and total agree with one state of the store. A model folder or
    version file that was listed but gone when read (a rename or delete running meanwhile)
    makes the listing start again; if it keeps happening, an error, never a page with a hole
    (issue 18 finding 18: ``items: 0, total: 5``)."""
    with gc_paused():
        for _ in range(LIST_ATTEMPTS):
            result, log = _attempt(store, query, where_to, load, field)
            if not log.vanished:
                result.problems = log.problems
                return result
    raise ConflictError(
        f"versions kept moving while they were listed ({LIST_ATTEMPTS} attempts): a rename "
        "or delete of the model is running; run the command again"
    )


def _attempt(
    store: Store,
    query: _Query,
    where_to: _WhereTo,
    load: Loader[T],
    field: Callable[[T, str], Any],
) -> tuple[Page[T], ReadLog]:
    """One listing, and what it met (``log.vanished``: start again)."""
    model, stage, number, page, size = where_to
    log = ReadLog()
    candidates = _candidates(store, model, stage, number, query, page, size, log)
    result = _select(candidates, partial(load, store, log), field, query, page, size)
    if log.model_names is not None and sorted(store.model_names()) != log.model_names:
        # a folder renamed meanwhile: a directory read during a rename may have missed
        # it under both names, so the models listed may not be the models there are
        log.vanished = True
    return result, log


class _Query:
    """The filters and order that need a version's contents (or not), parsed once."""

    def __init__(
        self, name: str | None, tag: str | None, sort_by: str, where: list[Condition]
    ) -> None:
        self.name, self.tag, self.where = name, tag, where
        direction, sep, field = sort_by.partition(":")
        if not sep:
            field = sort_by
        self.metadata_key: str | None = None
        if field.startswith(METADATA_PREFIX) and field != METADATA_PREFIX:
            self.metadata_key = field[len(METADATA_PREFIX) :]
            sort_by = f"{direction}:number" if sep else "number"
        self.key, self.descending = parse_sort(sort_by, VERSION_SORT_KEYS)

    @property
    def needs_contents(self) -> bool:
        return bool(
            self.name is not None
            or self.tag is not None
            or self.where
            or self.metadata_key
            or self.key in ("name", "created")
        )


def _candidates(
    store: Store,
    model: str | None,
    stage: str | ModelStages | None,
    number: NumberTest | None,
    query: _Query,
    page: int,
    size: int,
    log: ReadLog,
) -> list[Candidate]:
    """(model, number) pairs that pass the filters answerable without opening a version."""
    check_paging(page, size)
    wanted_stage = _stage_filter(stage)
    models = [get_model(store, model)] if model else _all_models(store, log)
    candidates: list[Candidate] = []
    for record in models:
        try:
            numbers = live_numbers(store, record, require_model=True)
        except FileNotFoundError:  # renamed or deleted after model.yaml was read
            log.vanished = True
            continue
        except LinkedFolderError as exc:  # versions/ is a link: named, the others listed
            log.problems.append(exc)
            continue
        if wanted_stage == ModelStages.LATEST:
            numbers = numbers[-1:]
        elif wanted_stage is not None:
            numbers = [n for n in numbers if record.stages.stage_of(n) == wanted_stage]
        if number is not None:
            numbers = [n for n in numbers if number(n)]
        candidates.extend((record, n) for n in numbers)
    return candidates


def _select(
    candidates: list[Candidate],
    load: Callable[[list[Candidate]], list[T]],
    field: Callable[[T, str], Any],
    query: _Query,
    page: int,
    size: int,
) -> Page[T]:
    """Filter, sort and page candidates, loading only the page when the contents are not
    needed to decide; ``field(item, key)`` reads a field of whatever ``load`` returns."""
    key, descending = query.key, query.descending
    if not query.needs_contents:
        order = {"number": lambda c: (c[0].name, c[1]), "stage": _stage_sort_key}[key]
        candidates.sort(key=order, reverse=descending)
        window = paginate(candidates, page, size)
        return Page(load(window.items), window.index, window.max_size, window.total)
    items = load(candidates)
    match = text_matcher(query.name)
    if match:
        items = [item for item in items if match(field(item, "name"))]
    if query.tag is not None:
        items = [item for item in items if query.tag in field(item, "tags")]
    for condition in query.where:
        items = [item for item in items if condition.matches(_value(field, item, condition))]
    if query.metadata_key is not None:
        wanted = query.metadata_key
        items.sort(key=lambda item: (field(item, "model"), field(item, "number")))
        items = metadata_sort(
            items, lambda item: lookup(field(item, "run_metadata"), wanted), descending
        )
        return paginate(items, page, size)
    items.sort(
        key=lambda item: (field(item, key), field(item, "model"), field(item, "number")),
        reverse=descending,
    )
    return paginate(items, page, size)


def _value(field: Callable[[T, str], Any], item: T, condition: Condition) -> Any:
    key = condition.metadata_key
    if key is None:
        return field(item, condition.field)
    return lookup(field(item, "run_metadata"), key)


def _attribute(item: ModelVersionRecord, key: str) -> Any:
    return getattr(item, key)


def _item(item: dict[str, Any], key: str) -> Any:
    return item[key]


def _no_field(item: str, key: str) -> Any:
    raise AssertionError("JSON texts are listed only when no field decides")


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
    store: Store, log: ReadLog, candidates: list[Candidate]
) -> list[ModelVersionRecord]:
    """Records of the candidates (each form in the index passed the fast path's checks when it
    was indexed, so a record is built from it without checking again)."""

    def from_forms(
        record: ModelRecord, found: list[tuple[int, dict[str, Any]]]
    ) -> list[ModelVersionRecord]:
        build, stage_of = ModelVersionRecord.from_public_form, record.stages.stage_of
        return [build(form, record.name, record.id, stage_of(n)) for n, form in found]

    return read_indexed(store, log, candidates, PUBLIC_FORMS, from_forms, lambda v: v)


def _read_public_forms(
    store: Store, log: ReadLog, candidates: list[Candidate]
) -> list[dict[str, Any]]:
    """Public forms (``to_dict()``) of the candidates."""

    def from_forms(
        record: ModelRecord, found: list[tuple[int, dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        name, model_id, stage_of = record.name, record.id, record.stages.stage_of
        # A fresh dict each: the index's own copy must not be changed.
        return [
            {**form, "model": name, "model_id": model_id, "stage": stage_of(n).value}
            for n, form in found
        ]

    return read_indexed(
        store, log, candidates, PUBLIC_FORMS, from_forms, ModelVersionRecord.to_dict
    )


def _read_json(store: Store, log: ReadLog, candidates: list[Candidate]) -> list[str]:
    """The candidates' compact JSON texts (see ``version_json``)."""
    return read_indexed(store, log, candidates, JSON_FORMS, from_json_forms, record_json)


def _all_models(store: Store, log: ReadLog) -> list[ModelRecord]:
    """Every model that can be read; an unreadable model.yaml (a merge conflict) is logged
    and its model left out, never hiding the other models' versions."""
    found = []
    entries = sorted(store.model_entries())
    log.model_names = [name for name, _ in entries]
    for name, link in entries:
        if link:  # the listing says so: named, never read (no lstat per model)
            log.problems.append(store.linked_model(name))
            continue
        try:
            record = read_model_folder(store, name, listed=True)
        except CorruptManifestError as exc:
            log.problems.append(exc)
            continue
        if record is None:  # listed, then renamed or deleted before it was read
            log.vanished = True
        else:
            found.append(record)
    return found
