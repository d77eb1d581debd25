"""An artifact as ZenML names it: one artifact name with all its versions.

Artifacts have no record of their own here (a name is a folder ``artifacts/<name>/``), so an
artifact's id is derived from its name, as a pipeline's is (``core/run_listing.pipeline_id``):
the same name gives the same id on every clone, and ZenML code that passes ``artifact.id``
back finds the same artifact. Lookups are exact: a name, else such an id, never a prefix.
"""

from __future__ import annotations

import uuid

from zenml_cli.core.names import id_key, looks_like_id
from zenml_cli.errors import NotFoundError
from zenml_cli.store import Store

#: Fixed for good: changing it would change every artifact's id.
ARTIFACT_NAMESPACE = uuid.UUID("0f3c2d6e-8a41-4e0b-b7d5-2c9e61a4f803")


def artifact_id(name: str) -> str:
    return str(uuid.uuid5(ARTIFACT_NAMESPACE, name))


def artifact_name(store: Store, name_or_id: str) -> str:
    """The artifact named ``name_or_id`` exactly, else the one with that derived id."""
    names = sorted(store.artifact_names())  # as reads.artifact_names (which imports this)
    if name_or_id in names:
        return name_or_id
    if looks_like_id(name_or_id):
        wanted = id_key(name_or_id)
        for name in names:
            if id_key(artifact_id(name)) == wanted:
                return name
    raise NotFoundError(
        f"no artifact named '{name_or_id}' and no artifact with that id; see 'zenml artifact list'"
    )


def linked_ids(store: Store, model_name_or_id: str) -> set[str]:
    """Ids of the artifact versions linked (as any kind) to any version of a model: what
    ZenML's ``list_artifact_versions(model=...)`` filters by. Read from the version files
    alone; no artifact manifest is opened."""
    from zenml_cli.core.models import get_model
    from zenml_cli.core.versions import read_versions

    model = get_model(store, str(model_name_or_id))
    return {
        link.id
        for version in read_versions(store, model)
        for links in version.artifacts.values()
        for link in links
    }
