"""What a pushed write's git commit says: the subject names what changed, the body carries why
(the ``-m`` message) and what a gate compared, so ``git log`` alone is a full audit (issue
22.5). ``store/git/remote.commit_message`` adds the ``zenml:`` prefix and the actor trailer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zenml_cli.core.deletes import Deleted
    from zenml_cli.core.records import ModelVersionRecord
    from zenml_cli.core.versions import VersionUpdate


def describe_update(
    result: VersionUpdate, message: str | None = None, *, rollback: bool = False
) -> str:
    """Subject: the update's description (``VersionUpdate.describe``, the same sentences the
    CLI prints), marked ``(rollback)`` for one. Body: the message, then the gate's compared
    values."""
    what = "; ".join(result.describe(rollback=rollback))
    if rollback:
        what = f"{what} (rollback)"
    body = []
    if message and message.strip():
        body.append(message.strip())
    gate = result.describe_gate()
    if gate is not None:
        body.append(gate)
    return "\n\n".join([what, *body])


def describe_deleted(done: Deleted) -> str:
    names = sorted({f"{a.name} {a.version}" for a in done.artifact_versions})
    if names:
        return f"delete artifact versions {', '.join(names)}"
    return f"unlink {done.unlinked} artifact version(s)"


def describe_created(version: ModelVersionRecord) -> str:
    named = f" ('{version.name}')" if version.name != str(version.number) else ""
    return f"register {version.model} version {version.number}{named}"


def describe_request(kind: str, result: Any) -> str:
    """The commit line of a queued write another runner made (``core/intents`` kinds)."""
    if kind == "create_version":
        return describe_created(result)
    if kind == "update_version":
        return describe_update(result)
    return f"log metadata on {result.model} version {result.number}"
