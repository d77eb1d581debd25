"""Registering, reading, listing, updating (promoting), rolling back and deleting model
versions, and their history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.core.refs import RefInput, VersionRef
from zenml_cli.enums import ModelStages
from zenml_cli.errors import ConflictError, NotFoundError
from zenml_cli.registry.base import RegistryBase, model_on
from zenml_cli.store import Store

if TYPE_CHECKING:
    from typing import Unpack

    from zenml_cli.core.history import HistoryEvent
    from zenml_cli.core.keywords import NewModel, NewVersion, VersionChanges, VersionFilters
    from zenml_cli.core.listing import Page
    from zenml_cli.core.records import ModelVersionRecord
    from zenml_cli.core.stages.gates import Gate, IfCurrent
    from zenml_cli.core.versions import VersionUpdate


class VersionsDoor(RegistryBase):
    """The version operations of ``Registry``."""

    def create_version(
        self, model: str, name: str | None = None, **fields: Unpack[NewVersion]
    ) -> ModelVersionRecord:
        from zenml_cli.core import commit_notes, intents, versions

        return self._write(
            lambda store: versions.create_version(store, str(model), name, **fields),
            commit_notes.describe_created,
            intents.create_request(str(model), name, dict(fields)),
        )

    def get_version(self, model: str, ref: RefInput = None) -> ModelVersionRecord:
        from zenml_cli.core import versions

        return versions.get_version(self.store, str(model), VersionRef.parse(ref))

    def get_or_create_version(
        self,
        model: str,
        ref: RefInput,
        *,
        model_fields: NewModel | None = None,
        tags: list[str] | None = None,
        producing_run: str | None = None,
    ) -> tuple[ModelVersionRecord, bool]:
        """``(version, created)`` for ``Model(name, version)``: a number or stage must exist;
        a name is get-or-create; ``None`` always creates the next version. The model is
        created with ``model_fields`` when missing. Race-safe: a model or named version another
        process creates meanwhile is fetched instead."""
        parsed = VersionRef.parse(ref) if ref is not None else None
        if parsed is not None and parsed.name is None:
            return self.get_version(model, parsed), False

        def on(store: Store) -> tuple[ModelVersionRecord, bool]:
            # One operation, so that with push on the model, the lookup and the new version
            # are all decided on the same tip (and re-decided together on a newer one).
            from zenml_cli.core import versions

            record, _ = model_on(store, model, model_fields or {})
            if parsed is not None:
                try:
                    return versions.get_version(store, record.name, parsed), False
                except NotFoundError:
                    pass
            name = parsed.name if parsed is not None else None
            try:
                created = versions.create_version(
                    store, record.name, name, tags=tags, producing_run=producing_run
                )
            except ConflictError:  # another process created it between our read and our lock
                if parsed is None:
                    raise
                return versions.get_version(store, record.name, parsed), False
            return created, True

        return self._write(on, lambda got: f"register {got[0].model} version {got[0].number}")

    def list_versions(
        self, model: str | None = None, **filters: Unpack[VersionFilters]
    ) -> Page[ModelVersionRecord]:
        from zenml_cli.core import version_listing as version_views

        found = version_views.list_versions(self.store, model, **filters)
        if found.problems:  # Python callers get an error, never a page with a hole in it
            raise found.problems[0]
        return found

    def list_version_dicts(
        self, model: str | None = None, **filters: Unpack[VersionFilters]
    ) -> Page[dict[str, Any]]:
        """``list_versions`` in public (output) form, served from the store's index. Versions
        whose files cannot be read are left out and named in ``problems`` (the CLI shows the
        others, then exits 6 naming them)."""
        from zenml_cli.core import version_listing as version_views

        return version_views.list_version_dicts(self.store, model, **filters)

    def list_version_json(
        self, model: str | None = None, **filters: Unpack[VersionFilters]
    ) -> Page[str] | None:
        """``list_version_dicts`` with each item as its compact JSON text, for the CLI's piped
        ``-o json``; None when the filters or order need the versions' contents (then list
        the dicts). ``problems`` as for ``list_version_dicts``."""
        from zenml_cli.core import version_listing as version_views

        return version_views.list_version_json(self.store, model, **filters)

    def update_version(
        self,
        model: str,
        ref: RefInput = None,
        *,
        if_better: Gate | str | None = None,
        if_current: IfCurrent | int | str | None = None,
        **changes: Unpack[VersionChanges],
    ) -> VersionUpdate:
        """``if_better``: ``KEY[:higher|:lower]``; ``if_current``: a number or ``"none"``.
        Both are parsed here and checked in the core under the model's lock."""
        from zenml_cli.core import intents, versions
        from zenml_cli.core.commit_notes import describe_update
        from zenml_cli.core.stages.gates import Gate, IfCurrent

        parsed = VersionRef.parse(ref)
        gate = None if if_better is None else Gate.parse(if_better)
        current = None if if_current is None else IfCurrent.parse(if_current)
        message = changes.get("message")
        everything = {**changes, "if_better": gate, "if_current": current}
        return self._write(
            lambda store: versions.update_version(
                store, str(model), parsed, if_better=gate, if_current=current, **changes
            ),
            lambda result: describe_update(result, message),
            intents.update_request(str(model), parsed, everything),
        )

    def rollback_version(
        self, model: str, stage: str | ModelStages = "production", *, message: str | None = None
    ) -> VersionUpdate:
        """Give ``stage`` back to its previous holder (from history), archiving the current
        one, as one history event (see ``core/stages/rollback.py``)."""
        from zenml_cli.core.commit_notes import describe_update
        from zenml_cli.core.stages import rollback

        return self._write(
            lambda store: rollback.rollback(store, str(model), stage, message=message),
            lambda done: describe_update(done, message, rollback=True),
        )

    def set_stage(
        self, model: str, ref: RefInput, stage: str | ModelStages, *, force: bool = False
    ) -> VersionUpdate:
        return self.update_version(model, ref, stage=stage, force=force)

    def compare_versions(self, model: str, a: RefInput, b: RefInput) -> dict[str, Any]:
        """Two versions side by side: fields, tags, metadata, linked artifacts."""
        from zenml_cli.core import compare

        return compare.compare_versions(
            self.store, str(model), VersionRef.parse(a), VersionRef.parse(b)
        )

    def delete_version(
        self, model: str, ref: RefInput, *, force: bool = False
    ) -> ModelVersionRecord:
        from zenml_cli.core import versions

        parsed = VersionRef.parse(ref)
        return self._write(
            lambda store: versions.delete_version(store, str(model), parsed, force=force),
            lambda v: f"delete {v.model} version {v.number}",
        )

    def find_version_by_id(self, version_id: str) -> ModelVersionRecord:
        """A version of any model by its id."""
        from zenml_cli.core import versions

        ref = VersionRef(name=str(version_id))
        for name in sorted(self.store.model_names()):
            try:
                return versions.get_version(self.store, name, ref)
            except NotFoundError:
                continue
        raise NotFoundError(
            f"no model version with id '{version_id}'; pass (model, version) instead"
        )

    def history(
        self, model: str, ref: RefInput = None, page: int = 1, size: int | None = None
    ) -> Page[HistoryEvent]:
        """A page of a model's events, oldest first (without ``size``: the whole history,
        as one page); with ``ref``, only that version's."""
        from zenml_cli.core import listing
        from zenml_cli.core import model_describe as model_views

        parsed = VersionRef.parse(ref) if ref is not None else None
        found = model_views.history_of(self.store, str(model), parsed)
        return listing.paginate(found, page, listing.EVERY_ITEM if size is None else size)

    def holders_at(self, model: str, moment: str) -> dict[str, int | None]:
        """Who held staging and production at ``moment``: ISO 8601 text as a user writes it
        (``Z`` or an offset; without one, UTC); exit 5 if it is not a time."""
        from zenml_cli.core import history
        from zenml_cli.core import model_describe as model_views
        from zenml_cli.core.actor import parse_time

        at = parse_time(moment)
        return history.holders_at(model_views.history_of(self.store, str(model)), at)
