"""Which artifact store a clone has agreed to use: a commit cannot choose where payloads go.

``artifact_store:`` lives in ``config.yaml``, which is in git, so a teammate's commit or a pull
request that CI runs on can change it. Followed blindly, that one line would send every payload
CI saves to a bucket or folder the commit's author picked (with the machine's own credentials),
and make loads read from a store they fill: a pickle there, named by a committed manifest,
would run on the machine that loads it. So a store the configuration names is used only when:

- it is a folder inside the project (the default ``.zenml/artifact_store``, or a relative
  path that stays in the project and out of ``.git``, links resolved): there, objects that
  a checkout could plant are refused by the ledger (``trust.py``);
- or this clone accepted exactly that value: ``zenml artifact trust URL`` (what
  ``mise trust`` and ``direnv allow`` do for their files), or ``zenml artifact migrate --to
  URL``, which is this user's own choice. The accepted values live in
  ``<git dir>/zenml/payloads/accepted-stores``, one per line: no clone, checkout, reset or
  stash writes there, so a fresh clone (a CI job) accepts nothing until its own script says
  so, and a pulled commit that changes the value is refused until it is accepted again;
- or the environment chose it (``ZENML_ARTIFACT_STORE``, checked before this module).

Outside a git work tree nothing is checked out, so nothing is asked (as with the ledger).
``artifact_store_options`` are not part of the value: they cannot change endpoints,
credentials or ACLs (``options.py``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from zenml_cli.errors import InvalidInputError, UntrustedSettingError
from zenml_cli.store.atomic import atomic_write
from zenml_cli.store.git_place import GitPlace, git_place
from zenml_cli.store.layout import DEFAULT_ARTIFACT_STORE, DEFAULT_PAYLOAD_DIR, STORE_DIR

__all__ = [
    "ENV_ARTIFACT_STORE",
    "URL_SCHEME",
    "accept",
    "accepted_stores",
    "check_consent",
    "check_folder",
    "chosen_store",
    "environment_store",
    "folder_problem",
    "is_accepted",
    "needs_consent",
    "refusal",
    "through_a_link",
]

#: This machine's own choice of store: it wins over ``config.yaml`` and needs no acceptance.
ENV_ARTIFACT_STORE = "ZENML_ARTIFACT_STORE"

ACCEPTED = ("zenml", "payloads", "accepted-stores")
#: A setting that starts with a scheme (``s3://``, ``file:``, even ``s3:bucket``) is a URL;
#: anything else is a folder.
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
#: The accepted list is machine-local and small; a bigger file is read only this far.
_MAX_BYTES = 64 * 1024


def environment_store() -> str | None:
    """The store ``ZENML_ARTIFACT_STORE`` names (None when unset or empty)."""
    return os.environ.get(ENV_ARTIFACT_STORE) or None


def chosen_store(payload_home: Path, configured: str) -> str:
    """The store to use: the environment's, else ``configured`` (``config.yaml``'s) if this
    clone may use it (else exit 6, see ``check_consent``)."""
    from_environment = environment_store()
    if from_environment is not None:
        return from_environment
    check_consent(payload_home, configured)
    return configured


def needs_consent(payload_home: Path, setting: str) -> bool:
    """True when ``setting`` (the configuration's ``artifact_store``) names a place outside
    the project, in a project that is in git."""
    return not _inside_project(payload_home, setting) and git_place(payload_home) is not None


def is_accepted(payload_home: Path, setting: str) -> bool:
    """May this clone use ``setting`` when the configuration names it?"""
    if _inside_project(payload_home, setting):
        return True
    place = git_place(payload_home)
    return place is None or _key(setting) in accepted_stores(place)


def check_consent(payload_home: Path, setting: str) -> None:
    """Refuse (exit 6) a configured store outside the project that this clone never accepted."""
    refused = refusal(payload_home, setting)
    if refused is not None:
        raise UntrustedSettingError(refused)


def refusal(payload_home: Path, setting: str) -> str | None:
    """Why ``setting`` may not be used yet (one line saying what to do), or None."""
    if is_accepted(payload_home, setting):
        return None
    shown = setting if setting.isprintable() else repr(setting)
    if through_a_link(payload_home, setting):  # a committed link can lead anywhere
        return (
            f"config.yaml's artifact store {shown} leads out of the project through a link "
            f"(to {_resolved(payload_home / setting)}), which this clone has not accepted; "
            f"remove the link, or if you made it, run 'zenml artifact trust {shown}'"
        )
    return (
        f"config.yaml names the artifact store {shown}, which this clone has not accepted "
        "(a commit can change that file); if it is your team's store, run "
        f"'zenml artifact trust {shown}', or set ZENML_ARTIFACT_STORE"
    )


def accepted_stores(place: GitPlace) -> set[str]:
    """The values this clone accepted."""
    path = place.git_dir.joinpath(*ACCEPTED)
    try:
        with path.open("rb") as handle:
            text = handle.read(_MAX_BYTES).decode("utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return set()
    return {line for line in text.splitlines() if line}


def check_setting(setting: str) -> None:
    """InvalidInputError unless ``setting`` could name a store: one line of printable text.
    ``migrate`` checks first, so a refused target never reaches ``config.yaml``."""
    if not setting.strip() or not setting.isprintable():
        raise InvalidInputError(
            f"artifact store {setting!r}: give one line of printable text, e.g. s3://bucket/zenml"
        )


def accept(payload_home: Path, setting: str) -> bool:
    """Record that this clone accepts ``setting``; False when nothing needed recording (a
    project outside git, a folder inside the project, or a value already accepted)."""
    check_setting(setting)
    place = git_place(payload_home)
    if place is None or _inside_project(payload_home, setting):
        return False
    known = accepted_stores(place)
    if _key(setting) in known:
        return False
    path = place.git_dir.joinpath(*ACCEPTED)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"{value}\n" for value in sorted(known | {_key(setting)}))
    atomic_write(path, lines.encode("utf-8"))
    return True


def folder_problem(payload_home: Path, root: Path) -> str | None:
    """Why a folder store at ``root`` may not be used, whoever chose it: inside ``.zenml/``
    only ``.zenml/artifact_store`` holds payloads (objects written into ``.zenml/models/``
    would make a model named ``sha256``). The default is taken as spelled: a link there that
    leads back among the manifests is refused too."""
    registry, folder = _resolved(payload_home / STORE_DIR), _resolved(root)
    default = os.path.join(registry, DEFAULT_PAYLOAD_DIR)
    if not _within(folder, registry) or _within(folder, default):
        return None
    return (
        f"artifact_store {root} is inside the registry's own folder {STORE_DIR}/; use "
        f"{DEFAULT_ARTIFACT_STORE} or a folder outside {STORE_DIR}/"
    )


def check_folder(payload_home: Path, root: Path) -> None:
    """Refuse (exit 5) a folder store among the registry's manifests (``folder_problem``)."""
    problem = folder_problem(payload_home, root)
    if problem is not None:
        raise InvalidInputError(problem)


def _resolved(path: Path) -> str:
    """``path`` with every link followed (``os.path.realpath``: half the cost of ``resolve``,
    and this runs on every payload save and load)."""
    return os.path.realpath(path)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _key(setting: str) -> str:
    """The form a value is compared in: ``s3://b/p/`` and ``s3://b/p`` are one store."""
    stripped = setting.strip()
    return stripped.rstrip("/") or stripped


def through_a_link(payload_home: Path, setting: str) -> bool:
    """A relative folder that stays in the project as written but not once links resolve."""
    relative = Path(setting)
    if URL_SCHEME.match(setting) or setting.startswith("~") or relative.is_absolute():
        return False
    return ".." not in relative.parts and not _inside_project(payload_home, setting)


def _inside_project(payload_home: Path, setting: str) -> bool:
    """A relative folder that stays in the project, out of any ``.git``, links resolved."""
    if URL_SCHEME.match(setting) is not None or setting.startswith("~"):
        return False
    relative = Path(setting)
    if relative.is_absolute() or any(part in ("..", ".git") for part in relative.parts):
        return False
    home, folder = _resolved(payload_home), _resolved(payload_home / relative)
    return _within(folder, home) and ".git" not in Path(folder).relative_to(home).parts
