"""Creating a store explicitly, with a chosen encoding and policies (``zenml init``)."""

from __future__ import annotations

from typing import Any

from zenml_cli.core.stages.policies import Policies
from zenml_cli.errors import ConflictError, InvalidInputError
from zenml_cli.store import Store
from zenml_cli.store.codec import FORMAT_VERSION, MANIFEST_FORMATS
from zenml_cli.store.config import StoreConfig


def init_store(
    store: Store,
    *,
    manifest_format: str = "yaml",
    strict_force: bool = False,
    production_requires_staging: bool = False,
) -> dict[str, Any]:
    """Create ``.zenml/`` with this config. ConflictError if a store is already there, since
    changing the encoding under existing manifests would hide them."""
    if manifest_format not in MANIFEST_FORMATS:
        raise InvalidInputError(
            f"unknown manifest format {manifest_format!r}; choose one of: "
            + ", ".join(MANIFEST_FORMATS)
        )
    if store.is_initialised():
        raise ConflictError(
            f"a zenml store already exists in {store.root}; edit {store.config_source()} to "
            "change policies"
        )
    config = StoreConfig(
        manifest_format=manifest_format,
        policies=Policies(
            strict_force=strict_force, production_requires_staging=production_requires_staging
        ).to_config(),
    )
    store.set_config(config)
    return config.to_manifest(FORMAT_VERSION)
