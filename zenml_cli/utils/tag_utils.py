"""ZenML's ``add_tags`` / ``remove_tags`` and ``Tag`` (also ``from zenml_cli import add_tags``).

Targets: an output of the running step (``infer_artifact=True``, with ``artifact_name`` when
the step has several; tagged when the step returns), an artifact version (``artifact_name``
with ``artifact_version``, default its latest, or ``artifact_version_id``), a pipeline run
(``run=`` id or name; inside a step with no target, the running run: kept in the run
manifest's ``config.tags``). Differs from ZenML: there are no pipeline, artifact (as opposed to
artifact version), run template, snapshot or deployment records to tag, so those targets are
refused; ``Tag``'s ``exclusive``, ``cascade`` and ``color`` have no effect (a tag is its name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zenml_cli.errors import InvalidInputError, MissingTargetError
from zenml_cli.pipelines.context import current_step, registry_in_context


@dataclass
class Tag:
    name: str
    color: str | None = None
    exclusive: bool = False
    cascade: bool = False

    def __str__(self) -> str:
        return self.name


def add_tags(tags: Any, **target: Any) -> None:
    _change(_names(tags), target, remove=False)


def remove_tags(tags: Any, **target: Any) -> None:
    _change(_names(tags), target, remove=True)


UNSUPPORTED = ("pipeline", "artifact", "run_template", "snapshot", "deployment")
KNOWN = {"run", "artifact_version_id", "artifact_name", "artifact_version", "infer_artifact"}


def _names(tags: Any) -> list[str]:
    items = tags if isinstance(tags, list | tuple | set) else [tags]
    return [str(getattr(item, "name", item)) for item in items]


def _change(tags: list[str], target: dict[str, Any], *, remove: bool) -> None:
    given = {key: value for key, value in target.items() if value is not None}
    for key in given:
        if key in UNSUPPORTED:
            raise InvalidInputError(
                f"cannot tag a {key.replace('_', ' ')} here: zenml-cli keeps tags on model "
                "versions, artifact versions and runs; pass artifact_name= and "
                "artifact_version=, run=, or infer_artifact=True"
            )
        if key not in KNOWN:
            raise InvalidInputError(f"add_tags got an unknown target {key}=")
    registry = registry_in_context()
    step = current_step()
    name = given.get("artifact_name")
    running_output = (
        step is not None
        and "artifact_version" not in given
        and (given.get("infer_artifact") or (name and step.output_name(name, "add_tags")))
    )
    if running_output and step is not None:
        if remove:
            raise InvalidInputError("remove_tags cannot target an output not yet saved")
        step.add_output_tags(tags, name)
    elif name is not None or "artifact_version_id" in given:
        name_or_id = str(name if name is not None else given["artifact_version_id"])
        version = given.get("artifact_version")
        added, removed = ([], tags) if remove else (tags, [])
        registry.update_artifact_tags(name_or_id, version, added, removed)
    elif "run" in given or step is not None:
        run = registry.find_run(str(given["run"])) if "run" in given else None
        if run is None and step is not None:
            run = step.run_record
        assert run is not None
        registry.tag_run(run, tags, remove=remove)
    else:
        raise MissingTargetError(
            "add_tags outside a step needs a target: artifact_name= (and artifact_version=), "
            "artifact_version_id= or run="
        )
