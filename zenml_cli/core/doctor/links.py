"""Doctor's link check: every artifact link of every live model version points at an
artifact version that exists and has the linked id (from the facts doctor keeps per version
file, ``facts.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zenml_cli.core.artifacts import reads as artifact_reads
from zenml_cli.core.artifacts.records import ArtifactVersionRecord
from zenml_cli.core.doctor.problems import Problem
from zenml_cli.core.links import id_clash
from zenml_cli.errors import CorruptManifestError

if TYPE_CHECKING:
    from zenml_cli.core.doctor.facts import VersionFacts
    from zenml_cli.store import Store


def check_link_facts(
    store: Store, versions: list[tuple[str, VersionFacts]], problems: list[Problem]
) -> int:
    """Doctor check: every artifact link of every live model version (``(file, facts)``, in
    the order doctor met them) points at an artifact version that exists and has the linked
    id. Each artifact version is read once, however many versions link it."""
    targets: dict[tuple[str, str], ArtifactVersionRecord | None | CorruptManifestError] = {}
    for path, version in versions:
        for kind, name, number, linked_id in version.links:
            if (name, number) not in targets:
                try:
                    targets[(name, number)] = artifact_reads.read_version(store, name, number)
                except CorruptManifestError as exc:
                    targets[(name, number)] = exc
            target = targets[(name, number)]
            if isinstance(target, CorruptManifestError):
                continue  # reported by the artifact check
            if target is not None and target.id != linked_id:
                problems.append(Problem(path, id_clash(name, number, linked_id, target.id)))
            elif target is None:
                problems.append(
                    Problem(
                        path,
                        f"{kind} artifact link '{name}' version '{number}' points to a "
                        "missing artifact version; restore it or remove the link",
                    )
                )
    return 0
