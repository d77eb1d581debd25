"""The one local stack, project and user that ``Client`` describes (``active_stack``,
``active_stack_model``, ``active_project``, ``active_user``, ``activate_stack``).

zenml-cli has no stacks to register: every run is in the calling process (orchestrator
``local``) and payloads go to the project's artifact store (``artifact_store:`` in
``.zenml/config.yaml``). These objects say so with ZenML's attribute names, so programs that
look at them before anything else run; components ZenML would have and we do not (experiment
tracker, model deployer, step operator ...) are None.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zenml_cli.errors import NotFoundError

#: ZenML's name for the stack every installation starts with; the only one here.
STACK_NAME = "default"
_NAMESPACE = uuid.UUID("0f6f2c1e-3b59-4a55-8b1c-2a0b4d0c9e77")


def _id(kind: str, name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


@dataclass
class StackComponent:
    """One component of the local stack: ``name``, ``flavor``, ``type`` (and ``path`` for
    the artifact store)."""

    name: str
    flavor: str
    type: str
    path: str | None = None
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return _id(self.type, self.name)


@dataclass
class Stack:
    """The local stack (``Client().active_stack`` and ``active_stack_model``)."""

    orchestrator: StackComponent
    artifact_store: StackComponent
    name: str = STACK_NAME
    experiment_tracker: None = None
    model_deployer: None = None
    step_operator: None = None
    container_registry: None = None
    image_builder: None = None
    alerter: None = None
    annotator: None = None
    data_validator: None = None
    feature_store: None = None
    model_registry: None = None
    deployer: None = None

    @property
    def id(self) -> str:
        return _id("stack", self.name)

    @property
    def components(self) -> dict[str, list[StackComponent]]:
        """Component type -> components, as ZenML's stack model lists them."""
        return {"orchestrator": [self.orchestrator], "artifact_store": [self.artifact_store]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "components": {
                kind: [{"name": c.name, "flavor": c.flavor, "path": c.path} for c in items]
                for kind, items in self.components.items()
            },
        }


@dataclass
class Project:
    """The project: the folder that holds ``.zenml/`` (``Client().active_project``)."""

    name: str
    path: str

    @property
    def id(self) -> str:
        return _id("project", self.path)


@dataclass
class User:
    """Who is acting (``$ZENML_ACTOR``, else the git or OS user; ``Client().active_user``)."""

    name: str

    @property
    def id(self) -> str:
        return _id("user", self.name)


def local_stack(environment: dict[str, str]) -> Stack:
    return Stack(
        orchestrator=StackComponent("default", "local", "orchestrator"),
        artifact_store=StackComponent(
            "default",
            environment["artifact_store_flavor"],
            "artifact_store",
            path=environment["artifact_store"],
        ),
    )


def project_of(environment: dict[str, str]) -> Project:
    root = environment["root"]
    return Project(name=Path(root).name, path=root)


def check_stack_name(name_id_or_prefix: Any) -> None:
    """``activate_stack``: the local stack by name or id; anything else is not found."""
    wanted = str(getattr(name_id_or_prefix, "name", name_id_or_prefix))
    if wanted not in (STACK_NAME, _id("stack", STACK_NAME)):
        raise NotFoundError(
            f"no stack '{wanted}': zenml-cli has one local stack, 'default' (runs in this "
            "process, payloads in the project's artifact store); leave activate_stack out or "
            "run this program with ZenML to use remote stacks"
        )
