"""``.zenml/config.yaml``: the store's format, manifest encoding, policies and settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from zenml_cli.errors import CorruptManifestError, InvalidInputError
from zenml_cli.limits import lock_timeout_problem
from zenml_cli.store.codec import FORMAT_VERSION
from zenml_cli.store.layout import DEFAULT_ARTIFACT_STORE

DEFAULT_LOCK_TIMEOUT = 10.0
#: Seconds a --push keeps re-planning while the remote keeps moving, before exit 8.
DEFAULT_PUSH_TIMEOUT = 300.0
#: The switches a new config.yaml lists, all off, so people editing it see what exists
#: (``core.stages.Policies`` reads them; a test keeps the two lists equal).
NEW_STORE_POLICIES = {"strict_force": False, "production_requires_staging": False}
#: Every key of a format 1 config.yaml (see ``StoreConfig.from_manifest``).
KNOWN_KEYS = frozenset(
    {"format", "manifest_format", "lock_timeout", "artifact_store", "policies", "git"}
    | {"artifact_store_options"}
)


@dataclass(frozen=True)
class GitSettings:
    """Where ``--push`` sends registry writes (DESIGN section 7).

    ``branch=None`` means the remote's default branch (as the clone recorded it, else asked
    of the remote). A transaction that keeps losing the race re-plans for ``push_timeout``
    seconds, then exits 8; ``retries``, when set, also caps the number of attempts (a time
    budget, not a count, is the default: with many writers a count runs out while the others
    are still making progress).
    """

    remote: str = "origin"
    branch: str | None = None
    retries: int | None = None
    push_timeout: float = DEFAULT_PUSH_TIMEOUT
    #: Push to this new branch (for a pull request) instead of ``branch`` (DESIGN section 11).
    review_branch: str | None = None
    #: ``git push --push-option`` values. Never read from config.yaml (DESIGN section 12:
    #: nothing committed reaches git as an option): only ``--push-option`` and the environment.
    push_options: tuple[str, ...] = ()

    def to_manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = {"remote": self.remote, "branch": self.branch}
        if self.retries is not None:
            data["retries"] = self.retries
        if self.review_branch is not None:
            data["review_branch"] = self.review_branch
        if self.push_timeout != DEFAULT_PUSH_TIMEOUT:
            data["push_timeout"] = self.push_timeout
        return data

    @classmethod
    def from_manifest(cls, data: object, path: object) -> GitSettings:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise CorruptManifestError(path, "git must be a mapping (remote, branch, retries)")
        known = {"remote", "branch", "retries", "push_timeout", "review_branch"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CorruptManifestError(path, f"unknown git setting(s): {', '.join(unknown)}")
        remote, branch = data.get("remote", "origin"), data.get("branch")
        if not isinstance(remote, str) or not remote.strip():
            raise CorruptManifestError(
                path, "git.remote must be the name of a remote of this clone"
            )
        if branch is not None and (not isinstance(branch, str) or not branch.strip()):
            raise CorruptManifestError(path, "git.branch must be a branch name (or absent)")
        review = data.get("review_branch")
        if review is not None and (not isinstance(review, str) or not review.strip()):
            raise CorruptManifestError(path, "git.review_branch must be a branch name (or absent)")
        retries = data.get("retries")
        if retries is not None and (
            isinstance(retries, bool) or not isinstance(retries, int) or retries < 1
        ):
            raise CorruptManifestError(path, "git.retries must be a whole number of at least 1")
        budget = data.get("push_timeout", DEFAULT_PUSH_TIMEOUT)
        if not is_seconds(budget):
            raise CorruptManifestError(path, "git.push_timeout must be seconds, 1 to 86400")
        return cls(
            remote=remote.strip(),
            branch=branch.strip() if branch else None,
            retries=retries,
            push_timeout=float(budget),
            review_branch=review.strip() if review else None,
        )


def _lock_timeout(setting: object, path: object) -> float:
    """The lock timeout: ``ZENML_LOCK_TIMEOUT`` (command-line input: exit 5 when bad), else the
    committed setting (exit 6 when bad). Never one that filelock reads as "wait forever"."""
    env = os.environ.get("ZENML_LOCK_TIMEOUT")
    if env:
        try:
            value: object = float(env)
        except ValueError:
            value = env
        problem = lock_timeout_problem(value)
        if problem:
            raise InvalidInputError(f"ZENML_LOCK_TIMEOUT: {problem}")
        return float(env)
    problem = lock_timeout_problem(setting)
    if problem:
        raise CorruptManifestError(path, problem)
    return float(setting)  # type: ignore[arg-type]  # checked: a finite int or float


def _mapping(data: dict[str, Any], key: str, path: object) -> dict[str, Any]:
    """``data[key]`` when a mapping, ``{}`` when absent or empty (``key:`` with nothing after
    it); anything else (``false``, a list, text) is not read as "none"."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CorruptManifestError(path, f"{key} must be a mapping, not {value!r}")
    return value


def is_seconds(value: object) -> bool:
    """A finite, positive, bounded number of seconds (a budget must end)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= 86400


@dataclass(frozen=True)
class StoreConfig:
    manifest_format: str = "yaml"
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    #: The project's promotion policy switches, as written: ``core/stages/policies.py`` gives them
    #: their meaning; the store only keeps them.
    policies: dict[str, Any] = field(default_factory=lambda: dict(NEW_STORE_POLICIES))
    #: Where artifact payloads go: a folder relative to the project root (git-ignored by
    #: default) or an fsspec URL; see ``store/payloads/artifact_store.py``.
    artifact_store: str = DEFAULT_ARTIFACT_STORE
    git: GitSettings = field(default_factory=GitSettings)
    #: Passed to the fsspec filesystem of a URL store. Never secrets: the file is in git.
    artifact_store_options: dict[str, Any] = field(default_factory=dict)

    def to_manifest(self, format_version: int) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": format_version,
            "manifest_format": self.manifest_format,
            "lock_timeout": self.lock_timeout,
            "artifact_store": self.artifact_store,
            "policies": dict(self.policies),
            **({"git": self.git.to_manifest()} if self.git != GitSettings() else {}),
        }
        if self.artifact_store_options:
            data["artifact_store_options"] = self.artifact_store_options
        return data

    @classmethod
    def from_manifest(cls, data: dict[str, Any], path: object) -> StoreConfig:
        """The config ``data`` holds, every field checked for its type (a committed file is
        untrusted input, DESIGN section 12). Format 1 has exactly the keys ``KNOWN_KEYS``:
        any other is a typo that would otherwise be silently ignored, or a setting of a
        newer zenml-cli this one cannot honour, so either way exit 6 naming it (a zenml-cli
        that adds a setting every reader must honour also writes a higher ``format``, which
        this one refuses with "upgrade zenml-cli"). ``policies`` are only kept here, and
        checked by ``core/stages/policies.py`` when a promotion needs them."""
        if data.get("format") != FORMAT_VERSION:
            raise CorruptManifestError(
                path,
                f"unknown config format {data.get('format')!r} (this zenml-cli reads config "
                f"format {FORMAT_VERSION}); upgrade zenml-cli or restore the file",
            )
        unknown = sorted(set(data) - KNOWN_KEYS, key=str)
        if unknown:
            raise CorruptManifestError(
                path,
                f"unknown setting(s) {', '.join(map(repr, unknown))} (known: "
                f"{', '.join(sorted(KNOWN_KEYS))}); fix the spelling, or upgrade zenml-cli if "
                "a newer one added it",
            )
        fmt = data.get("manifest_format", "yaml")
        if fmt not in ("yaml", "json"):
            raise CorruptManifestError(path, f"manifest_format must be yaml or json, not {fmt!r}")
        policies = _mapping(data, "policies", path)
        timeout = _lock_timeout(data.get("lock_timeout", DEFAULT_LOCK_TIMEOUT), path)
        options = _mapping(data, "artifact_store_options", path)
        store = data.get("artifact_store")
        if store is not None and (not isinstance(store, str) or not store.strip()):
            raise CorruptManifestError(
                path, f"artifact_store must be a folder or a URL (text), not {store!r}"
            )
        return cls(
            manifest_format=fmt,
            lock_timeout=timeout,
            artifact_store=store or DEFAULT_ARTIFACT_STORE,
            git=GitSettings.from_manifest(data.get("git"), path),
            artifact_store_options=options,
            policies=policies,
        )
