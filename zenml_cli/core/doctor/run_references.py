"""Doctor: a run record's references (model versions it used, artifact versions its steps
saved) must name the id of the file at that number, or two branches' runs collided."""

from __future__ import annotations

from typing import Any

from zenml_cli.core.doctor.problems import Problem
from zenml_cli.core.identity import RESOLVE_HINT
from zenml_cli.errors import CorruptManifestError
from zenml_cli.store import Store


def check_run_references(
    store: Store, source: str, model_versions: list[dict[str, Any]], outputs: list[Any]
) -> list[Problem]:
    """Problems for references of one run whose id is not the referenced file's id."""
    problems = []
    for ref in model_versions:
        model, number, wanted = ref.get("model"), ref.get("number"), ref.get("id")
        if not (isinstance(model, str) and isinstance(number, int) and isinstance(wanted, str)):
            continue
        found = _id_of(store.read_versions(model, [number])[0] if _ok(store, model) else None)
        if found is not None and found != wanted:
            problems.append(
                Problem(
                    source,
                    f"the run used version {number} of model '{model}' with id {wanted}, but "
                    f"that version's id is {found}: {RESOLVE_HINT}",
                )
            )
    for ref in outputs:
        name, version, wanted = ref.get("name"), ref.get("version"), ref.get("id")
        if not (isinstance(name, str) and isinstance(version, str) and isinstance(wanted, str)):
            continue
        try:
            found = _id_of(store.read_artifact_version(name, version))
        except CorruptManifestError:
            continue  # the artifact check reports the file itself
        if found is not None and found != wanted:
            problems.append(
                Problem(
                    source,
                    f"the run saved artifact '{name}' version '{version}' with id {wanted}, "
                    f"but that artifact version's id is {found}: {RESOLVE_HINT}",
                )
            )
    return problems


def _ok(store: Store, model: str) -> bool:
    return store.has_model_folder(model)


def _id_of(manifest: Any) -> str | None:
    if manifest is None:
        return None
    found = manifest.data.get("id")
    return found if isinstance(found, str) else None
