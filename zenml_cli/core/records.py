"""The records the core hands out, and their manifest form: one import path for all of them.

The model record lives in ``core/model_records.py``, the version record in
``core/version_records.py``, the typed manifest check in ``core/manifest_check.py``.
"""

from __future__ import annotations

from zenml_cli.core.manifest_check import ManifestChecker
from zenml_cli.core.model_records import (
    FORMAT,
    MODEL_FORMAT,
    ModelRecord,
    StageHolders,
    Tag,
    as_tags,
    plain_tags,
)
from zenml_cli.core.version_records import (
    FAST_PATH_KEYS,
    PUBLIC_FORM_INDEX,
    PUBLIC_FORM_REVISION,
    ArtifactLink,
    ModelVersionRecord,
    _fast_version,
    public_form,
)
from zenml_cli.errors import CorruptManifestError

__all__ = [
    "FAST_PATH_KEYS",
    "FORMAT",
    "MODEL_FORMAT",
    "PUBLIC_FORM_INDEX",
    "PUBLIC_FORM_REVISION",
    "ArtifactLink",
    "CorruptManifestError",
    "ManifestChecker",
    "ModelRecord",
    "ModelVersionRecord",
    "StageHolders",
    "Tag",
    "_fast_version",
    "as_tags",
    "plain_tags",
    "public_form",
]
