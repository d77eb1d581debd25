"""Registering, reading, listing, updating and deleting models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.registry.base import RegistryBase, model_on

if TYPE_CHECKING:
    from typing import Unpack

    from zenml_cli.core.history import HistoryEvent
    from zenml_cli.core.keywords import ModelChanges, ModelFilters, NewModel
    from zenml_cli.core.listing import Page
    from zenml_cli.core.records import ModelRecord, ModelVersionRecord


class ModelsDoor(RegistryBase):
    """The model operations of ``Registry``."""

    def create_model(self, name: str, **fields: Unpack[NewModel]) -> ModelRecord:
        from zenml_cli.core import models

        return self._write(
            lambda store: models.create_model(store, name, **fields),
            lambda record: f"register model {record.name}",
        )

    def ensure_model(self, name: str, **fields: Unpack[NewModel]) -> tuple[ModelRecord, bool]:
        """``(model, created)``: the model, registered with ``fields`` only when missing (a
        present one is left as it is). With push on, decided on the remote tip, so a runner
        with a stale checkout finds the model there instead of failing on a clash."""
        return self._write(
            lambda store: model_on(store, name, fields),
            lambda got: f"register model {got[0].name}",
        )

    def get_model(self, name_or_id: str) -> ModelRecord:
        from zenml_cli.core import models

        return models.get_model(self.store, str(name_or_id))

    def list_models(self, **filters: Unpack[ModelFilters]) -> Page[ModelRecord]:
        """A page of models; the first unreadable model folder raises (a Python caller gets
        an error, never a page with a hole in it: ``list_model_page`` for the CLI's)."""
        found = self.list_model_page(**filters)
        if found.problems:
            raise found.problems[0]
        return found

    def list_model_page(self, **filters: Unpack[ModelFilters]) -> Page[ModelRecord]:
        """``list_models`` with unreadable model folders left out and named in ``problems``
        (the CLI lists the others, then exits 6 naming them)."""
        from zenml_cli.core import models

        return models.list_models(self.store, **filters)

    def model_names(self) -> list[str]:
        """Every model's name, sorted by code point (the same order on every machine)."""
        return sorted(self.store.model_names())

    def version_references(self, model: str) -> list[str]:
        """The numbers and names of a model's live versions, for shell completion: the
        folder listing and the small name index; a manifest is read only where the index
        has no entry (a model with few versions)."""
        from zenml_cli.core import models, versions

        record = models.get_model(self.store, model)
        numbers = versions.live_numbers(self.store, record)
        known = self.store.version_fields(record.name, ("name",), numbers)
        names = {n: known[n][0] for n in numbers if n in known}
        missing = [n for n in numbers if n not in names]
        if missing:
            for number, manifest in zip(
                missing, self.store.read_versions(record.name, missing), strict=True
            ):
                names[number] = manifest.data.get("name") if manifest is not None else None
        refs = [str(n) for n in numbers]
        refs += [str(names[n]) for n in numbers if isinstance(names.get(n), str)]
        return list(dict.fromkeys(refs))

    def find_model(self, name: str) -> ModelRecord | None:
        """The model in folder ``name`` as listed, or None (a folder without a manifest)."""
        from zenml_cli.core import models

        return models.read_model_folder(self.store, name)

    def version_summary(self, model: ModelRecord) -> tuple[int, ModelVersionRecord | None]:
        """``(number of live versions, the latest or None)`` of a model record."""
        from zenml_cli.core import model_describe as model_views

        return model_views.version_summary(self.store, model)

    def versions_of(
        self, model: ModelRecord, page: int = 1, size: int | None = None
    ) -> Page[ModelVersionRecord]:
        """A page of the live versions of a model record, by number (without ``size``: all of
        them, as one page)."""
        from zenml_cli.core import listing, versions

        found = versions.read_versions(self.store, model)
        return listing.paginate(found, page, listing.EVERY_ITEM if size is None else size)

    def live_version_numbers(self, model: ModelRecord) -> list[int]:
        """The numbers of a model record's live versions, ascending (one folder listing)."""
        from zenml_cli.core import versions

        return versions.live_numbers(self.store, model)

    def read_version_numbers(
        self, model: ModelRecord, numbers: list[int]
    ) -> list[ModelVersionRecord]:
        """The records of versions ``numbers`` of a model record (a file gone since it was
        listed is left out); fewer than the store's index threshold are read file by file, so
        a caller reading a big model in small batches holds one batch at a time."""
        from zenml_cli.core import versions

        return versions.read_versions(self.store, model, numbers)

    def describe_model(self, name_or_id: str) -> dict[str, Any]:
        from zenml_cli.core import model_describe as model_views

        return model_views.describe_model(self.store, str(name_or_id))

    def update_model(self, name_or_id: str, **changes: Unpack[ModelChanges]) -> ModelRecord:
        from zenml_cli.core import models

        return self._write(
            lambda store: models.update_model(store, str(name_or_id), **changes),
            lambda record: f"update model {record.name}",
        )

    def delete_model(self, name_or_id: str) -> ModelRecord:
        from zenml_cli.core import models

        return self._write(
            lambda store: models.delete_model(store, str(name_or_id)),
            lambda record: f"delete model {record.name}",
        )

    # ---------------------------------------------------------- for the dashboard's build
    def read_model_file(self, name: str) -> ModelRecord | None:
        """The model in folder ``name`` as listed, parsed from its file without the store's
        memo of model manifests: a reader of every model (a dashboard build) would otherwise
        rewrite that memo once per model, which made reading 10,000 models quadratic."""
        from zenml_cli.core.records import ModelRecord

        found = self.store.read_model(name, memo=False)
        if found is None:
            return None
        return ModelRecord.from_manifest(name, found.data, found.source)

    def model_events(self, name: str) -> list[HistoryEvent]:
        """The history of the model in folder ``name``, in file order (no name lookup)."""
        from zenml_cli.core import history

        return history.read(self.store, name)

    def model_fingerprint(
        self, name: str, artifacts: list[tuple[str, str]], runs: list[str]
    ) -> tuple[bytes, int]:
        """``(digest, newest change in ns)`` of the files model ``name``'s pages are drawn
        from (see ``store/fingerprint.py``)."""
        from zenml_cli.store import fingerprint

        return fingerprint.model_fingerprint(self.store, name, artifacts, runs)

    def load_build_state(self, key: str) -> Any:
        """What the dashboard build into ``key`` kept for its next run, or None."""
        from zenml_cli.store import fingerprint

        return fingerprint.load_build_state(self.store, key)

    def save_build_state(self, key: str, state: Any) -> None:
        from zenml_cli.store import fingerprint

        fingerprint.save_build_state(self.store, key, state)
