"""Every error zenml-cli raises on purpose, each carrying the exit code the CLI ends with.

A leaf module: it imports nothing of ours, so every layer can raise these.
Messages are one line, say what was wrong, and where possible what to do next.
"""

from __future__ import annotations

from typing import Any


class ZenMLCliError(Exception):
    """Base class. The CLI prints ``str(error)`` on stderr and exits with ``exit_code``."""

    exit_code = 1


class NotFoundError(ZenMLCliError, KeyError):
    """A model, version, artifact or run that does not exist (exit 3)."""

    exit_code = 3

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ConflictError(ZenMLCliError):
    """The request clashes with the store: it exists, or a stage policy forbids it (exit 4)."""

    exit_code = 4


class RefusedError(ConflictError):
    """A gate (``--if-better``), precondition (``--if-current``) or stage policy refused a
    promotion (exit 4): an expected outcome, not a fault, so the CLI prints it without
    ``Error:`` and, with ``-o json|yaml``, prints ``to_dict()`` on stdout.

    ``details``: ``refused`` (``gate``, ``precondition`` or ``policy``), ``rule``
    (``if_better``, ``if_current``, ``production_requires_staging``, ``strict_force``),
    ``model``, ``number`` (the version refused), ``stage`` (where it still is),
    ``target_stage``, ``holder`` (who holds the target stage) and the rule's values: ``gate``
    (as in the history event) or ``expected_holder``.
    """

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.details = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        return {**self.details, "reason": str(self), "exit_code": self.exit_code}


class StageOccupiedError(RefusedError, RuntimeError):
    """Strict-force mode refused a promotion because another version holds the stage (exit 4).
    A RuntimeError too, because that is what ZenML raises there."""


class InvalidInputError(ZenMLCliError, ValueError):
    """A name, stage, reference or option value that breaks the rules (exit 5)."""

    exit_code = 5


class CorruptManifestError(ZenMLCliError):
    """A manifest that cannot be parsed, has an unknown format, or contradicts another (exit 6)."""

    exit_code = 6

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}; fix or restore the file (see 'zenml doctor')")


class UntrustedSettingError(ZenMLCliError):
    """A setting read from the repository that would choose where data goes (the artifact
    store) and that this clone has not accepted (exit 6, like any repository content refused)."""

    exit_code = 6


class LockTimeoutError(ZenMLCliError):
    """Another process held a lock for longer than the configured timeout (exit 7)."""

    exit_code = 7


class StepContextError(ZenMLCliError, RuntimeError):
    """Pipeline-only API used outside a step, or without a model configured (exit 1)."""

    exit_code = 1


class MissingTargetError(StepContextError, ValueError):
    """Metadata or a link with no model given, outside a step (exit 1). A ValueError too,
    because that is what ZenML's ``log_model_metadata`` raises there."""


class UsageError(ZenMLCliError):
    """A command used the wrong way, e.g. a delete without confirmation and no terminal (exit 2)."""

    exit_code = 2


class RemoteError(ZenMLCliError):
    """A git remote (or artifact store) failed: unreachable, refused, or the push gave up
    retrying because the remote kept moving (exit 8)."""

    exit_code = 8
