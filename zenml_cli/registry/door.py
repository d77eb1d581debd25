"""The one door to the registry: every front end (the CLI, ``Client``, ``Model``, the artifact
utilities and the pipeline runner) calls a ``Registry`` method, and each method is one call into
the core.

Rules that belong to no single front end live here once: a version reference is parsed into a
``VersionRef`` at this edge (nothing below re-reads text), and get-or-create of a model or a
named version retries the read when another process wins the race. Every write goes through
``_write`` and the transport ``store/transport.py`` picks: locally it runs the core function
on the project's store; with push on (``push=True``, ``--push``, or ``ZENML_PUSH=1``) it
becomes a transaction on the git remote: the same core function runs against the remote
branch's tip, and again on a newer tip if another writer won the race, so every rule is
re-decided each time.

Core modules are imported inside methods, so a command pays only for what it uses (the CLI
imports this module on every run).
"""

from __future__ import annotations

from zenml_cli.registry.artifacts import ArtifactsDoor
from zenml_cli.registry.links import LinksDoor
from zenml_cli.registry.models import ModelsDoor
from zenml_cli.registry.project import ProjectDoor
from zenml_cli.registry.rules import RulesDoor
from zenml_cli.registry.runs import RunsDoor
from zenml_cli.registry.versions import VersionsDoor


class Registry(
    ProjectDoor, ModelsDoor, VersionsDoor, LinksDoor, ArtifactsDoor, RunsDoor, RulesDoor
):
    """The registry of one project (found like ``.git/`` unless ``project_dir`` is given).

    One class, written in rooms: ``registry/base.py`` (the store and the write), and a mixin
    per area (``project``, ``models``, ``versions``, ``links``, ``artifacts``, ``runs``, and
    ``rules``: the checks a front end applies before it has a store).

    Every listing returns a ``Page`` (``core/listing.py``: items, index, max_size, total):
    front ends never filter or page themselves. A model's history and ``versions_of`` are
    one page of everything unless a size is asked for; only the word lists completion
    offers (``model_names``, ``version_references``) are plain lists of names."""

    def __repr__(self) -> str:
        return f"Registry(project_dir={str(self.store.root)!r})"
