"""ZenML's ``zenml.exceptions`` names, as aliases of the errors zenml-cli raises
(``zenml_cli.errors``), so ``except EntityExistsError:`` ports unchanged.

| ZenML | here |
|---|---|
| ``ZenMLBaseException`` | ``ZenMLCliError`` (every error below) |
| ``EntityExistsError`` | ``ConflictError`` (a name taken, a stage refused) |
| ``DoesNotExistException``, ``KeyError`` | ``NotFoundError`` (also a ``KeyError``) |
| ``IllegalOperationError`` | ``ConflictError`` |
| ``ValidationError``, ``ValueError`` | ``InvalidInputError`` (also a ``ValueError``) |
| ``StepContextError`` | ``StepContextError`` (also a ``RuntimeError``) |
| ``RuntimeError`` (stage taken, no force) | ``StageOccupiedError`` (a ``ConflictError``) |
| ``ValueError`` (metadata with no model) | ``MissingTargetError`` (a ``StepContextError``) |
"""

from zenml_cli.errors import (
    ConflictError,
    CorruptManifestError,
    InvalidInputError,
    LockTimeoutError,
    MissingTargetError,
    NotFoundError,
    RemoteError,
    StageOccupiedError,
    StepContextError,
    UsageError,
    ZenMLCliError,
)

ZenMLBaseException = ZenMLCliError
EntityExistsError = ConflictError
IllegalOperationError = ConflictError
DoesNotExistException = NotFoundError
ValidationError = InvalidInputError

__all__ = [
    "ConflictError",
    "CorruptManifestError",
    "DoesNotExistException",
    "EntityExistsError",
    "IllegalOperationError",
    "InvalidInputError",
    "LockTimeoutError",
    "MissingTargetError",
    "NotFoundError",
    "RemoteError",
    "StageOccupiedError",
    "StepContextError",
    "UsageError",
    "ValidationError",
    "ZenMLBaseException",
    "ZenMLCliError",
]
