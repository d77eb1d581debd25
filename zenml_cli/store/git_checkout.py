"""Bringing the user's checkout up to date after a push, only when that cannot lose work.

The push engine never needs this for correctness (the remote is the truth); it saves the user
a ``git pull``. It runs only when the checkout's ``.zenml/`` is clean and HEAD is the pushed
branch (or detached) at an ancestor of the new commit, and then does what ``git merge
--ff-only`` does: a two-tree ``read-tree -m -u`` that keeps every other uncommitted or staged
change and refuses if a locally changed file would be overwritten, then a compare-and-swap of
the ref. Anything else leaves the checkout alone and returns how to pull.
"""

from __future__ import annotations

from zenml_cli.store.git_repo import Repo


def fast_forward(repo: Repo, branch: str, new: str) -> str | None:
    """Move the checkout to ``new`` if safe; None when done, else a hint for stderr."""
    pull = "run 'git pull --ff-only'"
    symbolic = repo.git("symbolic-ref", "-q", "HEAD")
    head_ref = symbolic.out if symbolic.ok else None
    if head_ref is not None and head_ref != f"refs/heads/{branch}":
        return (
            f"your checkout is on branch '{head_ref.removeprefix('refs/heads/')}', not '{branch}'"
        )
    head = repo.git("rev-parse", "-q", "--verify", "HEAD^{commit}")
    if not head.ok:  # an unborn branch: nothing of the user's to keep in step with
        return f"your checkout has no commits yet; {pull}"
    if not repo.git("merge-base", "--is-ancestor", head.out, new).ok:
        return "your branch has commits the remote lacks; run 'git pull' to merge them"
    status = repo.git(
        "--no-optional-locks", "status", "--porcelain", "--untracked-files=all", "--",
        repo.store_path,
    )  # fmt: skip
    if not status.ok or status.out:
        return f"your checkout has local changes in {repo.store_path}/; {pull}"
    # A copied checkout (cp -r) has stale stat data in its index: refresh it first, or
    # read-tree takes every file for a local change.
    repo.git("update-index", "-q", "--refresh")
    if not repo.git("read-tree", "-m", "-u", head.out, new).ok:
        return f"a local change would be overwritten; {pull}"
    if head_ref is None:
        moved = repo.git(
            "update-ref", "--no-deref", "-m", "zenml: fast-forward", "HEAD", new, head.out
        )
    else:
        moved = repo.git("update-ref", "-m", "zenml: fast-forward", head_ref, new, head.out)
    if not moved.ok:  # HEAD moved while we worked: put the files back where HEAD is
        repo.git("read-tree", "-m", "-u", new, head.out)
        return f"your checkout moved meanwhile; {pull}"
    return None
