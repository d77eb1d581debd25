"""A model version's metadata, its links to artifacts and runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zenml_cli.core.refs import RefInput, VersionRef
from zenml_cli.enums import ArtifactType, LinkKind
from zenml_cli.registry.base import RegistryBase
from zenml_cli.store import Store

if TYPE_CHECKING:
    from zenml_cli.core.artifacts.records import ArtifactVersionRecord
    from zenml_cli.core.deletes import Deleted
    from zenml_cli.core.listing import Page
    from zenml_cli.core.records import ModelVersionRecord


class LinksDoor(RegistryBase):
    """The link operations of ``Registry``."""

    def log_version_metadata(
        self, model: str, ref: RefInput, metadata: dict[str, Any]
    ) -> ModelVersionRecord:
        from zenml_cli.core import links

        parsed = VersionRef.parse(ref)
        from zenml_cli.core import intents

        return self._write(
            lambda store: links.add_metadata(store, model, parsed, metadata),
            lambda v: f"log metadata on {v.model} version {v.number}: {', '.join(metadata)}",
            intents.metadata_request(str(model), parsed, metadata),
        )

    def link_artifact(
        self, model: str, ref: RefInput, artifact: ArtifactVersionRecord, kind: LinkKind
    ) -> ModelVersionRecord:
        from zenml_cli.core import links

        parsed = VersionRef.parse(ref)
        return self._write(
            lambda store: links.link_artifact(store, model, parsed, artifact, kind),
            lambda v: f"link {artifact.name} {artifact.version} to {v.model} version {v.number}",
        )

    def attach_run(self, model: str, ref: RefInput, run_id: str) -> ModelVersionRecord:
        from zenml_cli.core import links

        parsed = VersionRef.parse(ref)
        return self._write(
            lambda store: links.attach_run(store, model, parsed, run_id),
            lambda v: f"attach run {run_id} to {v.model} version {v.number}",
        )

    def mark_failed_run(self, model: str, ref: RefInput, run_id: str) -> ModelVersionRecord:
        from zenml_cli.core import links

        parsed = VersionRef.parse(ref)
        return self._write(
            lambda store: links.mark_failed_run(store, model, parsed, run_id),
            lambda v: f"mark {v.model} version {v.number} as from failed run {run_id}",
        )

    def linked_artifacts(
        self,
        model: str,
        ref: RefInput,
        kind: LinkKind | None = None,
        page: int = 1,
        size: int | None = None,
    ) -> Page[ArtifactVersionRecord]:
        """A page of the artifact versions linked to a model version (of ``kind``)."""
        from zenml_cli.core import links, listing

        found = links.linked_artifacts(self.store, model, VersionRef.parse(ref), kind)
        return listing.paginate(found, page, listing.DEFAULT_PAGE_SIZE if size is None else size)

    def find_linked(
        self,
        model: str,
        ref: RefInput,
        name: str,
        version: str | None = None,
        kind: LinkKind | None = None,
    ) -> ArtifactVersionRecord | None:
        from zenml_cli.core import links

        return links.find_linked(self.store, model, VersionRef.parse(ref), name, version, kind)

    def link_kind(
        self, artifact_type: ArtifactType, is_model: bool = False, is_deployment: bool = False
    ) -> LinkKind:
        from zenml_cli.core import links

        return links.link_kind(artifact_type, is_model, is_deployment)

    def unlink_artifacts(
        self,
        model: str,
        ref: RefInput,
        names: list[str] | None,
        version: str | None = None,
        *,
        delete_versions: bool = False,
        delete_from_artifact_store: bool = False,
    ) -> Deleted:
        """Remove a model version's links to artifacts ``names`` (None: all); with
        ``delete_versions`` the linked artifact versions are deleted too."""
        from zenml_cli.core import deletes

        parsed = VersionRef.parse(ref)

        def on(store: Store) -> Deleted:
            removed = deletes.unlink_artifacts(store, str(model), parsed, names, version)
            if delete_versions:
                return deletes.delete_artifact_versions(store, removed, delete_from_artifact_store)
            return deletes.Deleted(unlinked=len(removed))

        from zenml_cli.core.commit_notes import describe_deleted

        return self._write(on, describe_deleted)
