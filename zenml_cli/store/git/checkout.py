"""Bringing the user's checkout up to date after a push, only when that cannot lose work.

The push engine never needs this for correctness (the remote is the truth); it saves the user
a ``git pull``. It runs only when HEAD is the pushed branch (or detached) at an ancestor of the
new commit, and then does what ``git merge --ff-only`` does: a two-tree ``read-tree -m -u``
that keeps every other uncommitted or staged change and refuses, changing nothing, if a file
the move changes has a local change (or an untracked file stands where a new one goes), then a
compare-and-swap of the ref. Anything else leaves the checkout alone and returns how to pull.

Local changes elsewhere, in ``.zenml/`` too, are kept as ``git pull --ff-only`` keeps them
(DESIGN section 7 asked for a clean ``.zenml/``; that check stat'ed every file of the store on
every push, 20 ms at 10,000 versions, to refuse exactly the moves the hint then told the user
to make by hand). Only a refusal is checked again: the index's stat data may be stale (a
copied checkout), which git takes for a change, so it is refreshed and the move tried once
more.

Two rules keep it from doing harm (issue 18.13, 18.14):

- One fast-forward per clone at a time (a lock under the git dir). Two ``--push`` commands in
  one clone used to interleave: one moved the files to its commit, the other moved HEAD past
  it, and the first one's undo then staged a registered version's file for deletion.
- It never runs a git filter (git-lfs, or any ``filter=`` driver this clone defines): when a
  path that changed upstream has one, or ``.gitattributes`` itself changed, the user pulls. A
  filter is a program of unbounded cost (a download); killed halfway it would leave
  half-updated files.
"""

from __future__ import annotations

import re

from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git.repo import CHECKOUT_LOCK, TX_DIR, Repo

#: Seconds to wait for another zenml command's fast-forward in this clone.
CHECKOUT_LOCK_WAIT = 60.0
_UNSET_FILTER = ("unspecified", "unset")
#: What every hint ends with when the checkout was left where it was.
_PULL = "run 'git pull --ff-only'"
#: How git says another process holds the index ("Unable to create '.../index.lock': File
#: exists.").
_INDEX_LOCKED = "index.lock': File exists"
#: The path in read-tree's refusal of a move over a local change ("Entry 'p' not uptodate.
#: Cannot merge.", "Entry 'p' would be overwritten by merge.", "Untracked working tree file
#: 'p' would be overwritten by merge."); git runs with LC_ALL=C (``git/cmd.py``).
_REFUSED_PATH = re.compile(
    r"^error: (Entry|Untracked working tree file) '(.+)' (?:not uptodate|would be overwritten)",
    re.MULTILINE,
)


def fast_forward(repo: Repo, branch: str, new: str, parent: str | None = None) -> str | None:
    """Move the checkout to ``new`` if safe; None when done, else a hint for stderr.
    ``parent``: the tip ``new`` was built on by grafting only the store (``Repo.graft``), so
    when HEAD is there the move touches nothing outside the store and needs no ancestry or
    filter checks."""
    import filelock

    (repo.git_dir / TX_DIR).mkdir(exist_ok=True)
    lock = filelock.FileLock(str(repo.git_dir / TX_DIR / CHECKOUT_LOCK))
    try:
        lock.acquire(timeout=CHECKOUT_LOCK_WAIT)
    except filelock.Timeout:
        return f"another zenml command is updating your checkout; {_PULL}"
    try:
        return _fast_forward(repo, branch, new, parent)
    finally:
        lock.release()


def _head(repo: Repo) -> tuple[str | None, str | None]:
    """``(HEAD's branch ref or None when detached, HEAD's commit or None when unborn)``,
    in one git call (two when the branch is unborn)."""
    both = repo.git("rev-parse", "HEAD", "--symbolic-full-name", "HEAD", "--")
    lines = both.stdout.splitlines()
    if both.ok and len(lines) >= 2:
        return (lines[1] if lines[1].startswith("refs/") else None), lines[0]
    symbolic = repo.git("symbolic-ref", "-q", "HEAD")
    return (symbolic.out if symbolic.ok else None), None


def _fast_forward(repo: Repo, branch: str, new: str, parent: str | None) -> str | None:
    head_ref, head = _head(repo)
    if head_ref is not None and head_ref != f"refs/heads/{branch}":
        return (
            f"your checkout is on branch '{head_ref.removeprefix('refs/heads/')}', not '{branch}'"
        )
    if head is None:  # an unborn branch: nothing of the user's to keep in step with
        return f"your checkout has no commits yet; {_PULL}"
    # 'git pull' needs a branch: on a detached HEAD (a CI checkout of a pull request's merge
    # commit) it fails, so name the pushed commit itself (its objects are in this clone)
    get = _PULL if head_ref is not None else _get_detached(new)
    if head == new:
        return None
    store_only = head == parent  # new is head plus a store change (see fast_forward)
    if not store_only:
        base = repo.git("merge-base", head, new)
        if base.ok and base.out == new:
            return None  # already there: another command in this clone moved it further
        if not base.ok or base.out != head:
            if head_ref is None:
                return (
                    "your checkout is a detached HEAD the pushed commit does not build on, so "
                    f"it was left where it is; {get}"
                )
            return "your branch has commits the remote lacks; run 'git pull' to merge them"
        outside = _changed_outside_store(repo, head, new)
        if _filtered_change(repo, outside):
            return f"files with a git filter (e.g. git-lfs) changed upstream; {get}"
    refused = _move_files(repo, head, new, get)
    if refused is not None:
        return refused
    if head_ref is None:
        swapped = repo.git(
            "update-ref", "--no-deref", "-m", "zenml: fast-forward", "HEAD", new, head
        )
    else:
        swapped = repo.git("update-ref", "-m", "zenml: fast-forward", head_ref, new, head)
    if not swapped.ok:  # HEAD moved (or its lock is held): put the files back where HEAD is
        now = repo.git("rev-parse", "-q", "--verify", "HEAD^{commit}")
        repo.git("read-tree", "-m", "-u", new, now.out if now.ok else head)
        if now.ok and now.out == head:
            return f"another git process holds your branch's lock; {get}"
        return f"your checkout moved meanwhile; {get}"
    return None


def _get_detached(new: str) -> str:
    """How to get pushed commit ``new`` onto a detached HEAD (no branch to pull into)."""
    return f"'git checkout {new[:12]}' moves it to the pushed commit"


def _move_files(repo: Repo, head: str, new: str, get: str) -> str | None:
    """The checkout's index and files from commit ``head`` to ``new`` (``read-tree -m -u``);
    None when moved, else a hint ending with ``get`` (how to get ``new`` by hand). A refusal
    is tried once more after refreshing the index's stat data (stale in a copied checkout,
    where git takes every file for changed)."""
    moved = repo.git("read-tree", "-m", "-u", head, new)
    if not moved.ok and _INDEX_LOCKED not in moved.stderr:
        repo.git("update-index", "-q", "--refresh")
        moved = repo.git("read-tree", "-m", "-u", head, new)
    if moved.ok:
        return None
    if _INDEX_LOCKED in moved.stderr:
        return f"another git process is using your checkout; {get}"
    named = _REFUSED_PATH.search(moved.stderr)
    if named is None:  # not a local change (a full disk, a damaged index): git's own words
        return f"git could not move your checkout ({git_cmd.condense(moved.stderr)}); {get}"
    kind, path = named.groups()
    if kind == "Entry":
        return (
            f"your checkout has a local change to '{path}' that the pushed commit changes; "
            f"commit or stash it, then {get}"
        )
    return (  # 'git stash' alone would not take an untracked file away
        f"your checkout has an untracked '{path}' where the pushed commit adds a file; move "
        f"it away (or 'git stash -u'), then {get}"
    )


def _changed_outside_store(repo: Repo, old: str, new: str) -> list[str]:
    """The paths outside the store that differ between commits ``old`` and ``new`` (the
    store's folder excluded by pathspec, so git never compares its trees: a flat folder of
    10,000 versions made this diff twice as slow)."""
    outside = ("--", ".", f":(exclude,literal){repo.store_path}")
    listed = repo.git("diff", "--no-renames", "--name-only", "-z", old, new, *outside).stdout
    return [path for path in listed.split("\0") if path]


def _filtered_change(repo: Repo, changed: list[str]) -> bool:
    """Would moving the ``changed`` paths (outside the store) run a filter? True when a
    ``.gitattributes`` changed (the rules themselves move) or one has a ``filter``
    attribute."""
    if not changed:
        return False
    if any(path.rsplit("/", 1)[-1] == ".gitattributes" for path in changed):
        return True
    asked = "".join(f"{path}\0" for path in changed)
    answer = repo.check("check-attr", "-z", "--stdin", "filter", stdin=asked).split("\0")
    # -z output: path, attribute, value, repeated; a driver this clone does not define runs
    # nothing (git then checks the file out as it is)
    names = {value for value in answer[2::3] if value and value not in _UNSET_FILTER}
    return any(
        repo.git("config", "--get", f"filter.{name}.{kind}").ok
        for name in sorted(names)
        for kind in ("smudge", "process")
    )
