"""Saving, reading, listing, tagging and deleting artifact versions, and moving the artifact
store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.registry.base import RegistryBase
from zenml_cli.store import Store

if TYPE_CHECKING:
    from typing import Unpack

    from zenml_cli.core.artifacts.records import ArtifactVersionRecord
    from zenml_cli.core.deletes import Deleted
    from zenml_cli.core.keywords import ArtifactFilters, NewArtifact
    from zenml_cli.core.listing import Page


class ArtifactsDoor(RegistryBase):
    """The artifact operations of ``Registry``."""

    def save_artifact(
        self, data: Any, name: str, **options: Unpack[NewArtifact]
    ) -> ArtifactVersionRecord:
        from zenml_cli.core import artifacts

        return self._write(
            lambda store: artifacts.save(store, data, name, **options),
            lambda a: f"save artifact {a.name} version {a.version}",
        )

    def get_artifact_version(
        self, name_or_id: str, version: str | int | None = None
    ) -> ArtifactVersionRecord:
        from zenml_cli.core import artifacts

        return artifacts.get(self.store, str(name_or_id), version)

    def artifact_versions(self, name_or_id: str) -> tuple[str, list[ArtifactVersionRecord]]:
        """An artifact (exact name, else its derived id): its name and every version of it,
        by number; NotFoundError when there is none."""
        from zenml_cli.core import artifacts
        from zenml_cli.core.artifacts.named import artifact_name

        name = artifact_name(self.store, str(name_or_id))
        return name, artifacts.read_all(self.store, name)

    @staticmethod
    def artifact_id(name: str) -> str:
        from zenml_cli.core.artifacts.named import artifact_id

        return artifact_id(name)

    def find_artifact_version(self, name: str, version: str) -> ArtifactVersionRecord | None:
        from zenml_cli.core import artifacts

        return artifacts.read_version(self.store, name, version)

    def list_artifact_versions(
        self, **filters: Unpack[ArtifactFilters]
    ) -> Page[ArtifactVersionRecord]:
        from zenml_cli.core import artifacts

        return artifacts.list_versions(self.store, **filters)

    def log_artifact_metadata(
        self, name_or_id: str, version: str | None, metadata: dict[str, Any]
    ) -> ArtifactVersionRecord:
        from zenml_cli.core import artifacts

        return self._write(
            lambda store: artifacts.add_metadata(store, name_or_id, version, metadata),
            lambda a: f"log metadata on artifact {a.name} version {a.version}",
        )

    def update_artifact_tags(
        self, name_or_id: str, version: str | None, add: list[str], remove: list[str]
    ) -> ArtifactVersionRecord:
        from zenml_cli.core import artifacts

        return self._write(
            lambda store: artifacts.update_tags(store, name_or_id, version, add, remove),
            lambda a: f"tag artifact {a.name} version {a.version}",
        )

    def migrate_artifact_store(self, url: str) -> dict[str, Any]:
        """Copy every payload into the store at ``url``, then make it the project's store."""
        from zenml_cli.core.artifacts.migrate import migrate

        return self._write(
            lambda store: migrate(store, url), lambda _: f"move artifact store to {url}"
        )

    def trust_artifact_store(self, url: str | None = None) -> dict[str, Any]:
        """Accept ``url`` (default: the store ``config.yaml`` names now) as an artifact store
        this clone may use when ``config.yaml`` names it (``store/payloads/consent.py``)."""
        from zenml_cli.core.artifacts.migrate import trust

        return trust(self.store, url)

    def delete_artifact_versions(
        self,
        name_or_id: str,
        version: str | int | None = None,
        *,
        every_version: bool = False,
        delete_from_artifact_store: bool = False,
    ) -> Deleted:
        """Delete one artifact version (the latest without ``version``) or, with
        ``every_version``, all versions of that artifact; links to them go too."""
        from zenml_cli.core import artifacts, deletes

        def on(store: Store) -> Deleted:
            found = artifacts.get(store, str(name_or_id), version)
            chosen = artifacts.read_all(store, found.name) if every_version else [found]
            return deletes.delete_artifact_versions(store, chosen, delete_from_artifact_store)

        from zenml_cli.core.commit_notes import describe_deleted

        return self._write(on, describe_deleted)
