"""Models: create, read, list, update, delete. Model names are unique ignoring case."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Literal, cast

from zenml_cli.core.actor import current_actor, timestamp
from zenml_cli.core.identity import complete_ids
from zenml_cli.core.model_records import ModelRecord
from zenml_cli.core.names import (
    case_clash,
    check_name,
    check_tags,
    check_text,
    id_key,
    looks_like_id,
    normal_form,
)
from zenml_cli.core.schema import MODEL_TEXT_FIELDS
from zenml_cli.errors import ConflictError, CorruptManifestError, InvalidInputError, NotFoundError
from zenml_cli.store import Store

if TYPE_CHECKING:
    from zenml_cli.core.listing import Page

MODELS_LOCK = "models"
MODEL_SORT_KEYS = ("name", "created")
#: How often a listing is retried when a model folder vanishes under it (a concurrent rename).
LIST_ATTEMPTS = 5


def model_lock(name: str) -> str:
    return f"model-{name}"


def create_model(
    store: Store,
    name: str,
    *,
    tags: list[str] | None = None,
    save_models_to_registry: bool = True,
    **fields: str | None,
) -> ModelRecord:
    """Register a new model with its text ``fields`` (``schema.MODEL_TEXT_FIELDS``).
    ConflictError if it (or a name differing only in case) exists."""
    import uuid  # here: uuid imports platform (~3 ms), which read-only commands never need

    name = check_name(name, "model name")
    _refuse_unknown_fields(fields)
    _check_field_text(fields)
    record = ModelRecord(
        name=name,
        id=str(uuid.uuid4()),
        **cast(dict[str, Any], fields),  # only MODEL_TEXT_FIELDS: checked just above
        tags=check_tags(tags),
        save_models_to_registry=save_models_to_registry,
        created=timestamp(store.clock()),
        created_by=current_actor(),
    )
    with store.lock(MODELS_LOCK):
        _refuse_existing(store, name, names=store.model_names_for_create(name, folded))
        store.create_model(name, record.to_manifest())
        store.model_folder_created(name, folded)
    return record


def get_model(store: Store, name_or_id: str) -> ModelRecord:
    """A model by exact name (in normal form), else by id. NotFoundError suggests a
    case-insensitive match."""
    name_or_id = normal_form(name_or_id)
    found = _read_by_name(store, name_or_id)
    if found is None and looks_like_id(name_or_id):
        found = _find_by_id(store, name_or_id)
    if found is None:
        raise NotFoundError(_not_found_message(store, name_or_id))
    return found


def get_model_or_none(store: Store, name: str) -> ModelRecord | None:
    return _read_by_name(store, name)


def list_models(
    store: Store,
    *,
    name: str | None = None,
    tag: str | None = None,
    sort_by: str = "name",
    page: int = 1,
    size: int = 20,
) -> Page[ModelRecord]:
    """A page of models. Sorting by name without filters reads only the page's manifests.
    A model folder that is a link or whose manifest cannot be read is left out and named in
    ``problems`` (as a version listing does): one bad folder must not hide the others."""
    # imported here: a write (which never lists) need not load the listing core
    from zenml_cli.core.listing import Page, check_paging, paginate, parse_sort, text_matcher

    key, descending = parse_sort(sort_by, MODEL_SORT_KEYS)
    check_paging(page, size)
    tag = tag or None  # "" is no filter, as for versions (and in ZenML)
    match = text_matcher(name)
    for attempt in range(LIST_ATTEMPTS):
        # A folder listed but gone when read was renamed or deleted meanwhile: list again
        # rather than return a page whose items and total disagree.
        problems: list[CorruptManifestError] = []
        entries = sorted(store.model_entries(), reverse=descending)
        if match:
            entries = [(n, link) for n, link in entries if match(n)]
        names = [n for n, link in entries if not link]
        # Links are known from the listing itself: named, never read, not counted.
        problems += [store.linked_model(n) for n, link in entries if link]
        if key == "name" and tag is None:
            window = paginate(names, page, size)
            found = [_read_listed(store, n, problems) for n in window.items]
        else:
            found = [_read_listed(store, n, problems) for n in names]
        if all(r is not None for r in found) or attempt == LIST_ATTEMPTS - 1:
            break
    records = [r for r in found if r]
    if key == "name" and tag is None:
        total = window.total - (len(found) - len(records))
        return Page(records, window.index, window.max_size, total, problems)
    if tag is not None:
        records = [r for r in records if tag in r.tags]
    records.sort(key=lambda r: (getattr(r, key), r.name), reverse=descending)
    listed = paginate(records, page, size)
    listed.problems = problems
    return listed


def _read_listed(
    store: Store, name: str, problems: list[CorruptManifestError]
) -> ModelRecord | None | Literal[False]:
    """Model folder ``name`` as ``model_entries`` listed it (no link): its record, None when
    it vanished meanwhile (a concurrent rename), False when it cannot be read (logged)."""
    try:
        return read_model_folder(store, name, listed=True)
    except CorruptManifestError as exc:
        problems.append(exc)
        return False


def update_model(
    store: Store,
    name_or_id: str,
    *,
    name: str | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    save_models_to_registry: bool | None = None,
    **fields: str | None,
) -> ModelRecord:
    """Change a model's fields and tags, or rename it (``name=``). Unset fields stay as they are.

    Every input is checked before anything is written, and a rename changes the fields in the
    same locked step: a command that fails leaves the store exactly as it was."""
    _refuse_unknown_fields(fields)
    _check_field_text(fields)
    check_tags(add_tags)
    check_tags(remove_tags)
    new_name = check_name(name, "model name") if name is not None else None

    def change(record: ModelRecord) -> None:
        for key, value in fields.items():
            if value is not None:
                setattr(record, key, value)
        if save_models_to_registry is not None:
            record.save_models_to_registry = save_models_to_registry
        record.tags = _updated_tags(record.tags, add_tags, remove_tags)

    current = get_model(store, name_or_id)
    if new_name is not None and new_name != current.name:
        return _rename(store, current.name, new_name, change)
    with store.lock(model_lock(current.name)):
        record = get_model(store, current.name)
        change(record)
        write_model(store, record)
    return record


def delete_model(store: Store, name_or_id: str) -> ModelRecord:
    """Delete a model with all its versions and history (one atomic folder move)."""
    record = get_model(store, name_or_id)
    with store.lock(MODELS_LOCK), store.lock(model_lock(record.name)):
        record = get_model(store, record.name)
        store.delete_model(record.name)
    return record


def write_model(store: Store, record: ModelRecord) -> None:
    """Rewrite model.yaml (caller holds the model lock), with the id of every version it
    names (this write upgrades a format 1 manifest)."""
    complete_ids(store, record)
    store.write_model(record.name, record.to_manifest())


def _refuse_unknown_fields(fields: dict[str, str | None]) -> None:
    unknown = set(fields) - set(MODEL_TEXT_FIELDS)
    if unknown:
        raise InvalidInputError(f"unknown model field(s): {', '.join(sorted(unknown))}")


def _check_field_text(fields: dict[str, str | None]) -> None:
    for key, value in fields.items():
        check_text(value, key.replace("_", " "))


def _rename(store: Store, old: str, new: str, change: Callable[[ModelRecord], None]) -> ModelRecord:
    # Both models' locks and the models lock for the whole change; the event goes into the
    # folder before it moves (intent first), so nothing writes after the folder is renamed
    # (an append after it once recreated a ghost folder that a racing delete had removed).
    # The other changes of the same command (``change``) are written into model.yaml just
    # before the move, under the same locks: never a rename without them, or them without it.
    same_lock = old.casefold() == new.casefold()  # a case-only rename: one lock file
    with (
        store.lock(MODELS_LOCK),
        store.lock(model_lock(old)),
        nullcontext() if same_lock else store.lock(model_lock(new)),
    ):
        record = get_model(store, old)  # a racing rename or delete may have moved it meanwhile
        _refuse_existing(store, new, ignoring=old)
        change(record)
        from zenml_cli.core import history  # (only a rename writes history here: 1 ms of import)

        stages = record.stages
        retired = record.retired_numbers
        history.reconcile(store, old, stages.staging, stages.production, retired=retired)
        history.record(store, old, "model_rename", from_=old, to=new)
        write_model(store, record)
        store.rename_model(old, new)
    return get_model(store, new)


def folded(name: str) -> str:
    """How model names are told apart: normal form, ignoring case (see ``case_clash``)."""
    return normal_form(name).casefold()


def _refuse_existing(
    store: Store, name: str, ignoring: str | None = None, names: list[str] | None = None
) -> None:
    existing = case_clash(name, store.model_names() if names is None else names, ignoring)
    if existing is not None:
        if existing == name:
            raise ConflictError(f"model '{name}' already exists; see 'zenml model describe {name}'")
        raise ConflictError(
            f"model '{name}' clashes with existing model '{existing}': model names are unique "
            "ignoring case; use the existing name or choose another"
        )


def _read_by_name(
    store: Store, name: str, exact: bool = True, listed: bool = False
) -> ModelRecord | None:
    manifest = store.read_model(name, listed=listed)
    if manifest is None:
        return None
    # On a case-insensitive filesystem 'IRIS' opens iris/; lookups must stay exact.
    if exact and not store.has_model_folder(name):
        return None
    return ModelRecord.from_manifest(name, manifest.data, manifest.source)


def read_model_folder(store: Store, name: str, *, listed: bool = False) -> ModelRecord | None:
    """The model in folder ``name`` as listed on disk (no exact-case re-check needed);
    ``listed``: by ``model_entries``, which said it is no link (``read_model``)."""
    return _read_by_name(store, name, exact=False, listed=listed)


def _find_by_id(store: Store, model_id: str) -> ModelRecord | None:
    wanted = id_key(model_id)
    for name in store.model_names():
        record = read_model_folder(store, name)
        if record and id_key(record.id) == wanted:
            return record
    return None


def _not_found_message(store: Store, name: str) -> str:
    near = [n for n in store.model_names() if n.casefold() == name.casefold()]
    if name in near:  # a folder of that very name, without a model manifest in it
        return f"no model named '{name}': its folder has no model manifest; see 'zenml doctor'"
    hint = f"did you mean '{near[0]}'? " if near else ""
    return f"no model named '{name}'; {hint}see 'zenml model list'"


def _updated_tags(tags: list[str], add: list[str] | None, remove: list[str] | None) -> list[str]:
    result = set(tags) | set(check_tags(add))
    return sorted(result - set(remove or []))
