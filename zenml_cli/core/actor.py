"""Who is acting and when: the ``created_by`` and history ``actor`` of every write."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

#: The one spelling of a stored time: UTC, to the microsecond, with a ``Z``.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
#: ``(actor, ci_run)`` of the write being applied for someone else: a pending write another
#: runner queued on the git remote (``core/intents.py``) is recorded as *its owner's*, not as
#: the lander's. None outside such a write.
_ACTING_AS: list[tuple[str, str | None]] = []

#: CI systems' run identifiers, checked in order; the first one set is recorded.
CI_RUN_VARIABLES = (
    "GITHUB_RUN_ID",
    "CI_PIPELINE_ID",  # GitLab
    "BUILDKITE_BUILD_ID",
    "CIRCLE_WORKFLOW_ID",
    "BUILD_BUILDID",  # Azure Pipelines
    "BUILD_TAG",  # Jenkins
)

#: CI systems' "who started this run", checked in order. On a runner the git user is usually a
#: bot identity set by the workflow, so the person (or account) behind the run says more.
#: Bitbucket exposes only an opaque account UUID (BITBUCKET_STEP_TRIGGERER_UUID), which names
#: no one a reader would recognise, so it is left out; Bitbucket runs fall back to the git user.
CI_USER_VARIABLES = (
    "GITHUB_ACTOR",
    "GITLAB_USER_LOGIN",
    "BUILDKITE_BUILD_CREATOR",
    "CIRCLE_USERNAME",
    "BUILD_REQUESTEDFOR",  # Azure Pipelines
    "BUILD_USER_ID",  # Jenkins, with the build-user-vars plugin
)


@contextmanager
def acting_as(actor: str, ci_run: str | None) -> Iterator[None]:
    """Within the block, ``current_actor()`` and ``current_ci_run()`` name ``actor`` and
    ``ci_run``: a queued write applied by another runner keeps its owner in history."""
    _ACTING_AS.append((actor, ci_run))
    try:
        yield
    finally:
        _ACTING_AS.pop()


def current_actor() -> str:
    """Who acts: the owner of a write being applied for someone else (``acting_as``), else
    this process's actor (``detected_actor``)."""
    return _ACTING_AS[-1][0] if _ACTING_AS else detected_actor()


@functools.cache
def detected_actor() -> str:
    """``$ZENML_ACTOR``, else ``$GIT_AUTHOR_NAME``, else the CI's user where a CI names one,
    else the git user (as commits would name them), else the OS user.

    Cached per process: asking git costs a subprocess, and the answer does not change.
    """
    explicit = os.environ.get("ZENML_ACTOR") or os.environ.get("GIT_AUTHOR_NAME")
    if explicit:
        return explicit
    ci_user = current_ci_user()
    if ci_user:
        return ci_user
    import getpass  # imported on first use: only writes need an actor
    import subprocess

    try:
        found = subprocess.run(
            ["git", "config", "user.name"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found:
        return found
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def current_ci_user() -> str | None:
    """The account that started this CI run, where the CI says (see CI_USER_VARIABLES)."""
    for variable in CI_USER_VARIABLES:
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    return None


def current_ci_run() -> str | None:
    """The CI run id where the CI exposes one (GitHub adds the attempt number); for a write
    applied for someone else, theirs."""
    if _ACTING_AS:
        return _ACTING_AS[-1][1]
    for variable in CI_RUN_VARIABLES:
        value = os.environ.get(variable)
        if value:
            if variable == "GITHUB_RUN_ID" and os.environ.get("GITHUB_RUN_ATTEMPT"):
                value = f"{value}.{os.environ['GITHUB_RUN_ATTEMPT']}"
            return f"{variable}={value}"
    return None


def timestamp(moment: datetime) -> str:
    """UTC ISO-8601 with a ``Z``, to the microsecond, so events sort by time as text."""
    return moment.strftime(TIMESTAMP_FORMAT)


def from_timestamp(text: str) -> datetime:
    """The moment a ``timestamp`` string names (UTC)."""
    return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)


def parse_time(text: str) -> str:
    """A user-given ISO-8601 time (``Z`` or an offset; naive means UTC) in ``timestamp`` form."""
    from zenml_cli.errors import InvalidInputError

    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputError(
            f"cannot read time {text!r}; use ISO 8601, e.g. 2026-11-26T10:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return timestamp(moment.astimezone(UTC))
