"""Artifact versions: the one import path for saving, reading, checking and migrating them.

Saving is ``core/artifacts/saves.py``, reading and listing ``core/artifacts/reads.py``, the
doctor checks ``core/doctor/artifacts.py``, moving the store ``core/artifacts/migrate.py``.

Each artifact name is a folder ``artifacts/<name>/`` with one manifest per version; the
payload lives in the configured artifact store under its sha256 (``store/payloads/``), and
is written before its manifest, so no manifest ever names a payload that was not stored.
Versions of a name are numbered in save order under the name's lock; an unnamed version is
named after its number, as model versions are. Lookups are exact: never by prefix.
"""

from zenml_cli.core.artifacts.migrate import migrate
from zenml_cli.core.artifacts.reads import (
    artifact_names,
    find_by_id,
    get,
    list_versions,
    read_all,
    read_version,
    version_names,
)
from zenml_cli.core.artifacts.saves import add_metadata, artifact_lock, save, update_tags
from zenml_cli.core.doctor.artifacts import check_artifacts, check_payloads

__all__ = [
    "add_metadata",
    "artifact_lock",
    "artifact_names",
    "check_artifacts",
    "check_payloads",
    "find_by_id",
    "get",
    "list_versions",
    "migrate",
    "read_all",
    "read_version",
    "save",
    "update_tags",
    "version_names",
]
