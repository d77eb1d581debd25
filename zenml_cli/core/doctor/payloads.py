"""Doctor checks for what a commit could try with payloads (DESIGN section 12).

A commit can force-add a file under the git-ignored artifact store or ``.zenml/.cache/``; the
loader never uses such a file (``store/payloads/trust.py``), and this check names each one so
that a reviewer or CI sees the attempt. Likewise ``artifact_store_options`` that would choose
an endpoint, credentials or access control are reported before any upload is tried, and a
store outside the project that this clone has not accepted (``store/payloads/consent.py``) is
named as a warning: saves and loads refuse it, but reading the registry does not need it.
"""

from __future__ import annotations

from zenml_cli.core.doctor.problems import Problem
from zenml_cli.errors import InvalidInputError
from zenml_cli.store import Store
from zenml_cli.store.payloads import artifact_store as payloads
from zenml_cli.store.payloads import consent
from zenml_cli.store.payloads.options import checked_options


def check_files_from_git(store: Store, problems: list[Problem]) -> int:
    """Each file git tracks under the local artifact store or the cache is an error."""
    for path in payloads.files_from_git(store):
        problems.append(
            Problem(
                str(path),
                "this payload or cache file is committed to git: a checkout wrote it, so it is "
                "never loaded (it could be a planted pickle); remove it from the repository "
                "with 'git rm --cached' and delete it",
            )
        )
    return 0


def check_store_options(store: Store, problems: list[Problem]) -> int:
    """``artifact_store_options`` the configured store would refuse are an error, and so is a
    store folder among the registry's own folders."""
    problem = _options_problem(store)
    if problem is not None:
        problems.append(Problem(store.config_source(), problem))
    root = payloads.local_root(store)
    if root is not None and (problem := consent.folder_problem(store.payload_home, root)):
        problems.append(Problem(store.config_source(), problem))
    return 0


def check_store_accepted(store: Store, problems: list[Problem]) -> int:
    """A configured store this clone has not accepted is a warning (a fresh clone of a team
    that shares an S3 store is not broken; a commit that moved the store shows up here), and
    an error when the store folder is a link out of the project (what a planted link does)."""
    setting = store.config.artifact_store
    refused = None if consent.environment_store() else consent.refusal(store.payload_home, setting)
    if refused is not None:
        if consent.through_a_link(store.payload_home, setting):
            problems.append(Problem(str(store.payload_home / setting), refused))
        else:
            problems.append(Problem(store.config_source(), refused, "warning"))
    return 0


def _options_problem(store: Store) -> str | None:
    """Why the committed ``artifact_store_options`` would be refused for the configured
    store (None if they would not, or the store is a folder, which takes no options)."""
    setting = payloads.store_setting(store)
    match = consent.URL_SCHEME.match(setting)
    scheme = match.group(1).lower() if match else ""
    if scheme not in payloads.REMOTE_SCHEMES:
        return None
    try:
        protocol = payloads.REMOTE_SCHEMES[scheme][0]
        checked_options(protocol, store.config.artifact_store_options, setting)
    except InvalidInputError as exc:
        return str(exc)
    return None
