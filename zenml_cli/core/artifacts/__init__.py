"""Artifact versions: the one import path for saving, reading and checking them.

Saving is ``core/artifacts/saves.py``, reading and listing ``core/artifacts/reads.py``, the
doctor checks ``core/doctor/artifacts.py``; moving the store is ``core/artifacts/migrate.py``
(imported from there: a submodule named like the function would shadow a lazy name).

Each artifact name is a folder ``artifacts/<name>/`` with one manifest per version; the
payload lives in the configured artifact store under its sha256 (``store/payloads/``), and
is written before its manifest, so no manifest ever names a payload that was not stored.
Versions of a name are numbered in save order under the name's lock; an unnamed version is
named after its number, as model versions are. Lookups are exact: never by prefix.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Loaded on first use, so importing one room of the package (``records``, ``types``: every
#: step output and version listing does) does not load saving, migrating and the doctor.
_LAZY = {
    "add_metadata": "zenml_cli.core.artifacts.saves",
    "artifact_lock": "zenml_cli.core.artifacts.saves",
    "artifact_names": "zenml_cli.core.artifacts.reads",
    "check_artifacts": "zenml_cli.core.doctor.artifacts",
    "check_payloads": "zenml_cli.core.doctor.artifacts",
    "find_by_id": "zenml_cli.core.artifacts.reads",
    "get": "zenml_cli.core.artifacts.reads",
    "list_versions": "zenml_cli.core.artifacts.reads",
    "read_all": "zenml_cli.core.artifacts.reads",
    "read_version": "zenml_cli.core.artifacts.reads",
    "save": "zenml_cli.core.artifacts.saves",
    "update_tags": "zenml_cli.core.artifacts.saves",
    "version_names": "zenml_cli.core.artifacts.reads",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "add_metadata",
    "artifact_lock",
    "artifact_names",
    "check_artifacts",
    "check_payloads",
    "find_by_id",
    "get",
    "list_versions",
    "read_all",
    "read_version",
    "save",
    "update_tags",
    "version_names",
]
