"""Review branches: a ``--push`` that lands on a branch for a pull request (DESIGN section 11).

Where the default branch is protected (changes only through pull requests), ``--push --branch
NAME`` (or ``git.review_branch`` / ``ZENML_GIT_REVIEW_BRANCH``) runs the transaction on the
registry branch's tip as usual but pushes the commit to ``NAME`` instead. What an attempt
builds on:

- ``NAME`` is not on the remote: the registry branch's tip; the push creates ``NAME``.
- ``NAME`` is on the remote and contains that tip (made by an earlier ``--branch NAME``, or a
  feature branch up to date with main): ``NAME``'s tip, so one pull request collects several
  writes; the note says it was added to the existing branch.
- ``NAME`` is on the remote but lacks the tip (main moved on since it was made, perhaps
  during the same pipeline run): still ``NAME``'s tip, since the write belongs to that pull
  request; numbers on a review branch are provisional until it merges (DESIGN section 11), and
  the note says to bring it up to date (``zenml resolve --onto``) before merging.
- ``NAME`` shares no history with the registry branch: refused (exit 4), nothing written; it
  is some other project's branch, not a review of this registry.

A lost race (someone moved ``NAME`` or created it first) re-plans as on the default branch.

Push options (GitLab's ``merge_request.create`` and friends) come only from ``--push-option``
and ``ZENML_GIT_PUSH_OPTIONS``, never from config.yaml, and reach git as
``--push-option=VALUE`` (one argument: a value can never become another option).
"""

from __future__ import annotations

from zenml_cli.errors import ConflictError, InvalidInputError
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git.cmd import NETWORK_TIMEOUT
from zenml_cli.store.git.repo import Repo, plain_branch_name

#: Suffix of the private ref a review branch's tip is fetched into (next to the attempt's).
REVIEW_REF_SUFFIX = "-review"
MAX_PUSH_OPTION = 1024
#: What ``start`` built on, for the note after the push.
NEW_BRANCH = "new"
EXISTING_BRANCH = "existing"
BEHIND_BRANCH = "behind"


def check_review_branch(repo: Repo, name: str, base: str) -> None:
    """A review branch is a valid branch name other than the registry branch (InvalidInput)."""
    if not plain_branch_name(name) and (
        name.startswith("-") or not repo.git("check-ref-format", "--branch", name).ok
    ):
        raise InvalidInputError(
            f"review branch {name!r} is not a valid branch name ('git check-ref-format "
            "--branch' refuses it); give --branch, git.review_branch or "
            "ZENML_GIT_REVIEW_BRANCH a branch name"
        )
    if name == base:
        raise InvalidInputError(
            f"review branch {name!r} is the registry branch itself; drop --branch to push to "
            f"'{base}', or name a new branch for the pull request"
        )


def check_push_options(values: tuple[str, ...]) -> tuple[str, ...]:
    """Each value printable text on one line (InvalidInputError, exit 5, otherwise)."""
    for value in values:
        if (
            not value
            or len(value) > MAX_PUSH_OPTION
            or any(ord(c) < 32 or ord(c) == 127 for c in value)
        ):
            raise InvalidInputError(
                f"push option {value[:60]!r} must be one line of printable text (e.g. "
                "merge_request.create), at most 1024 characters"
            )
    return values


def push_option_args(values: tuple[str, ...]) -> list[str]:
    return [f"--push-option={value}" for value in values]


def start(
    repo: Repo, remote: str, base: str, review: str, ref: str
) -> tuple[tuple[str, str, str], str]:
    """``((commit, root tree, store tree), NEW_BRANCH | EXISTING_BRANCH)`` an attempt that
    pushes to ``review`` builds on (see the module's rules); ConflictError for a stale one."""
    tip = repo.fetch_tip(remote, base, ref)
    review_ref = ref + REVIEW_REF_SUFFIX
    fetched = repo.git(
        "fetch", "--no-tags", "--no-write-fetch-head", "--quiet", "--refmap=", remote,
        f"+refs/heads/{review}:{review_ref}", timeout=NETWORK_TIMEOUT,
    )  # fmt: skip
    if not fetched.ok:
        if "couldn't find remote ref" in fetched.stderr:
            return tip, NEW_BRANCH
        raise git_cmd.unreachable(remote, "fetch", fetched.stderr)
    branch_tip = repo.tip_objects(review_ref, f"{remote}/{review}")
    if repo.git("merge-base", "--is-ancestor", tip[0], branch_tip[0]).ok:
        return branch_tip, EXISTING_BRANCH
    if not repo.git("merge-base", tip[0], branch_tip[0]).ok:
        raise ConflictError(
            f"branch '{review}' on {remote} shares no history with {remote}/{base}: it is "
            "not a review branch of this registry; pass a new --branch name"
        )
    return branch_tip, BEHIND_BRANCH


def note(remote: str, base: str, review: str, basis: str | None) -> str:
    """How the note after a push to a review branch describes it."""
    if basis == EXISTING_BRANCH:
        return f"added to the existing review branch (it contains {remote}/{base})"
    if basis == BEHIND_BRANCH:
        return (
            f"added to the existing review branch, which is behind {remote}/{base}: its "
            f"numbers are provisional; run 'zenml resolve --onto {remote}/{base}' before "
            "merging"
        )
    return f"a new branch from {remote}/{base}: open a pull request to merge it into {base}"
