"""The git state ``zenml resolve`` works in: which commits are the merge base, ours and
theirs, read from what git leaves behind: ``MERGE_HEAD`` (a merge), ``REBASE_HEAD`` (a rebase
step), ``CHERRY_PICK_HEAD`` (also while git runs the post-commit hook of a cherry-pick it
committed), ``SQUASH_MSG`` (a ``git merge --squash`` before its commit), a ``git stash pop``
that stopped (git keeps the stash), or a merge or rebase that just finished (HEAD's parents;
the reflog's ``(start)``/``(finish)`` entries and ``ORIG_HEAD``). Also the merge ``zenml
resolve --onto`` starts and finishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zenml_cli.errors import ConflictError, InvalidInputError
from zenml_cli.store.git import cmd as git_cmd
from zenml_cli.store.git.repo import Repo
from zenml_cli.store.git.tree import read_tree

#: The one commit message a resolve commit carries (hooks look for it to avoid loops).
RESOLVE_SUBJECT = "zenml resolve: re-plan the merged branch's registry writes"


@dataclass(frozen=True)
class MergeInputs:
    """The three states to merge: commits (``theirs_extra``: a stash's untracked files)."""

    operation: str
    base: str | None
    ours: str
    theirs: str
    theirs_extra: str | None = None
    #: True when git has finished (a merge commit, a finished rebase): the result is new work.
    finished: bool = False


def hook_inputs(repo: Repo, hook: str) -> MergeInputs | None:
    """What a hook should resolve: the merge commit git just made (``post-merge``), the
    rebase that just finished (``post-rewrite``), the commit a cherry-pick just made
    (``post-commit``, while git still holds ``CHERRY_PICK_HEAD``); None when there is
    nothing of the kind."""
    head = _below_resolve_commits(repo)
    if hook == "post-merge":
        if not _ref(repo, f"{head}^2"):  # a fast-forward, or a squash the user commits next
            return _squash(repo)
        inputs = _with_base(repo, "merge (committed)", f"{head}^1", f"{head}^2")
        return MergeInputs(**{**inputs.__dict__, "finished": True})
    if hook == "post-rewrite":
        return _finished_rebase(repo, require_finish=False)
    if hook == "post-commit":
        picked = _ref(repo, "CHERRY_PICK_HEAD")
        before = _ref(repo, f"{head}^1")
        if picked is None or before is None or _rebasing(repo) or picking_several(repo.top):
            # an ordinary commit; a rebase's step (its post-rewrite hook resolves the whole
            # rebase); a pick of several (the driver stops those)
            return None
        if _store_tree(repo, picked) == _store_tree(repo, f"{picked}^"):
            return None  # the picked commit left the registry alone: nothing to re-plan
        return MergeInputs(
            "cherry-pick (committed)", _ref(repo, f"{picked}^"), before, picked, finished=True
        )
    raise InvalidInputError(
        f"--hook {hook!r}: zenml installs post-merge, post-rewrite and post-commit only"
    )


def _below_resolve_commits(repo: Repo) -> str:
    """HEAD, or the commit below the ``zenml resolve`` commits on top of it: with several
    stores in one repository, each store's hook runs in turn, and the one before may have
    committed its store's resolution on top of the merge or pick the next one resolves."""
    log = repo.git("log", "-n", "20", "--format=%H %s", "HEAD").stdout.splitlines()
    for line in log:
        sha, _, subject = line.partition(" ")
        if subject != RESOLVE_SUBJECT:
            return sha
    return "HEAD"


def find_inputs(
    repo: Repo, base: str | None = None, ours: str | None = None, theirs: str | None = None
) -> MergeInputs:
    """The merge to resolve: explicit refs, else what git's state files say."""
    if theirs is not None or ours is not None:
        return _explicit(repo, base, ours or "HEAD", theirs or "MERGE_HEAD")
    if _ref(repo, "MERGE_HEAD"):
        return _with_base(repo, "merge", "HEAD", "MERGE_HEAD")
    picked = _ref(repo, "REBASE_HEAD") if _rebasing(repo) else None
    if picked:
        return MergeInputs("rebase step", _ref(repo, f"{picked}^"), _need(repo, "HEAD"), picked)
    picked = _ref(repo, "CHERRY_PICK_HEAD")
    if picked:
        return MergeInputs("cherry-pick", _ref(repo, f"{picked}^"), _need(repo, "HEAD"), picked)
    squashed = _squash(repo)
    if squashed is not None:
        return squashed
    stash = _ref(repo, "refs/stash")
    if stash and _stash_pending(repo, stash):
        return _stash(repo, "stash pop", stash)
    finished = _finished_rebase(repo)
    if finished is not None:
        return finished
    if _ref(repo, "HEAD^2"):
        inputs = _with_base(repo, "merge (committed)", "HEAD^1", "HEAD^2")
        return MergeInputs(**{**inputs.__dict__, "finished": True})
    raise InvalidInputError(
        "nothing to resolve here: no merge, squash, rebase step, cherry-pick or conflicted "
        "stash pop is in progress and HEAD is not a merge; name the sides with --ours/--theirs "
        "(and --base; after 'git cherry-pick -n X', which records no state: --base X^ "
        "--theirs X)"
    )


def _explicit(repo: Repo, base: str | None, ours: str, theirs: str) -> MergeInputs:
    ours_sha, theirs_sha = _need(repo, ours), _need(repo, theirs)
    if _is_stash(repo, theirs_sha):
        return _stash(repo, "stash", theirs_sha, ours_sha)
    found = _need(repo, base) if base else _merge_base(repo, ours_sha, theirs_sha)
    return MergeInputs("explicit", found, ours_sha, theirs_sha)


def _with_base(repo: Repo, operation: str, ours: str, theirs: str) -> MergeInputs:
    ours_sha, theirs_sha = _need(repo, ours), _need(repo, theirs)
    return MergeInputs(operation, _merge_base(repo, ours_sha, theirs_sha), ours_sha, theirs_sha)


def _squash(repo: Repo) -> MergeInputs | None:
    """A ``git merge --squash`` not committed yet: git writes no MERGE_HEAD, only
    ``SQUASH_MSG``, which lists the squashed commits newest first ("commit <sha>" lines):
    theirs is the first, ours HEAD (the user commits the result as one commit)."""
    message = _git_file(repo.top, "SQUASH_MSG")
    tip = next((line.split()[1] for line in message if _names_commit(line)), None)
    theirs = _ref(repo, tip) if tip else None
    if theirs is None:
        return None
    return _with_base(repo, "squash merge", "HEAD", theirs)


def _names_commit(line: str) -> bool:
    words = line.split()
    return len(words) == 2 and words[0] == "commit" and all(c in _HEX for c in words[1])


_HEX = frozenset("0123456789abcdef")


def _stash(repo: Repo, operation: str, stash: str, ours: str | None = None) -> MergeInputs:
    """A stash commit: its tree is the stashed work tree, ``^1`` the commit it was made on,
    ``^3`` (``-u``) the untracked files."""
    return MergeInputs(
        operation,
        _ref(repo, f"{stash}^1"),
        ours or _need(repo, "HEAD"),
        stash,
        theirs_extra=_ref(repo, f"{stash}^3"),
    )


def _stash_pending(repo: Repo, stash: str) -> bool:
    """True when ``git stash pop`` of ``stash`` stopped in the store: a conflicted store file,
    or a stashed untracked store file that git could not restore ("already exists, no
    checkout": both sides registered the same number)."""
    prefix = repo.store_path + "/"
    if any(path.startswith(prefix) for path in unmerged_paths(repo)):
        return True
    untracked = _ref(repo, f"{stash}^3")
    if untracked is None:
        return False
    store_dir = repo.top / repo.store_path
    for relative, data in read_tree(repo, untracked).items():
        target = store_dir / relative
        if target.is_file() and target.read_bytes() != data:
            return True
    return False


def _is_stash(repo: Repo, commit: str) -> bool:
    subject = repo.git("log", "-1", "--format=%s", commit).out
    return bool(_ref(repo, f"{commit}^2")) and subject.startswith(("WIP on ", "On "))


def _finished_rebase(repo: Repo, require_finish: bool = True) -> MergeInputs | None:
    """A rebase that just finished: ours is the commit it started on (onto), theirs the
    branch as it was (``ORIG_HEAD``). ``require_finish``: the reflog's last entry must be
    the rebase's ``(finish)`` (a hook runs before git writes it)."""
    log = repo.git("reflog", "-n", "500", "--format=%H %gs", "HEAD").stdout.splitlines()
    if not log or (require_finish and ("(finish)" not in log[0] or "rebase" not in log[0])):
        return None
    onto = next(
        (line.split(" ", 1)[0] for line in log if "rebase" in line and "(start)" in line), None
    )
    before = _ref(repo, "ORIG_HEAD")
    if onto is None or before is None:
        return None
    return MergeInputs(
        "rebase (finished)", _merge_base(repo, onto, before), onto, before, finished=True
    )


def picking_several(top: Path) -> bool:
    """True while ``git cherry-pick`` of several commits runs in the work tree at ``top``
    (its sequencer lists picks). Git commits each pick and goes straight on to the next, so
    a collision must stop it there (``zenml resolve``, then ``git cherry-pick --continue``):
    a hook that committed a resolution between two picks would leave git's next pick on a
    HEAD it did not expect ("your local changes would be overwritten"). A single pick has no
    sequencer; its post-commit hook resolves it."""
    todo = _git_file(top, "sequencer/todo")
    return bool(todo) and todo[0].startswith(("pick ", "p "))


def _git_file(top: Path, name: str) -> list[str]:
    """The lines of git's state file ``name`` (``git rev-parse --git-path``: the worktree's
    own git dir) for the work tree at ``top``; none when there is no such file."""
    found = git_cmd.run(["rev-parse", "--git-path", name], cwd=top)
    if not found.ok:
        return []
    try:
        return (top / found.out).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _store_tree(repo: Repo, commit: str) -> str:
    """The id of ``commit``'s store folder ("" when it has none)."""
    found = repo.git("rev-parse", "-q", "--verify", f"{commit}:{repo.store_path}")
    return found.out if found.ok else ""


def _rebasing(repo: Repo) -> bool:
    git_dir = Path(repo.git("rev-parse", "--absolute-git-dir").out)
    return (git_dir / "rebase-merge").is_dir() or (git_dir / "rebase-apply").is_dir()


def _ref(repo: Repo, name: str) -> str | None:
    found = repo.git("rev-parse", "-q", "--verify", f"{name}^{{commit}}")
    return found.out if found.ok and found.out else None


def _need(repo: Repo, name: str) -> str:
    found = _ref(repo, name) if not name.startswith("-") else None
    if found is None:
        raise InvalidInputError(
            f"{name!r} names no commit of this repository ('git log' lists them)"
        )
    return found


def _merge_base(repo: Repo, a: str, b: str) -> str | None:
    found = repo.git("merge-base", a, b)
    return found.out if found.ok and found.out else None


def is_ancestor(repo: Repo, ancestor: str, commit: str) -> bool:
    return repo.git("merge-base", "--is-ancestor", ancestor, commit).ok


def default_tip(repo: Repo, remote: str, branch: str | None) -> str | None:
    """The default branch's tip as this clone knows it (no network): ``<remote>/<branch>``,
    else the local branch; None when neither exists."""
    names = [branch] if branch else []
    known = repo.git("symbolic-ref", "-q", f"refs/remotes/{remote}/HEAD")
    if not names and known.ok:
        names.append(known.out.removeprefix(f"refs/remotes/{remote}/"))
    names = names or ["main", "master"]
    for name in names:
        for ref in (f"refs/remotes/{remote}/{name}", f"refs/heads/{name}"):
            found = _ref(repo, ref)
            if found:
                return found
    return None


def unmerged_paths(repo: Repo) -> list[str]:
    listed = repo.git("diff", "--name-only", "--diff-filter=U")
    return [line for line in listed.stdout.splitlines() if line]


def start_merge(repo: Repo, onto: str) -> str:
    """``git merge --no-commit --no-ff ONTO`` in the work tree, for ``zenml resolve --onto``:
    "up to date" or "fast-forward" when there is nothing to re-plan, else "merge" with the
    merge in progress. Conflicts outside the store abort the merge (ConflictError): those are
    the person's to resolve, not the registry's."""
    target = _need(repo, onto)
    if bool(repo.git("status", "--porcelain", "--untracked-files=no").out):
        raise ConflictError(
            "the work tree has uncommitted changes; commit or stash them before "
            "'zenml resolve --onto'"
        )
    if is_ancestor(repo, target, "HEAD"):
        return "up to date"
    if is_ancestor(repo, "HEAD", target):
        repo.check("merge", "-q", "--ff-only", target)
        return "fast-forward"
    repo.git("merge", "-q", "--no-commit", "--no-ff", target)
    prefix = repo.store_path + "/"
    outside = [path for path in unmerged_paths(repo) if not path.startswith(prefix)]
    if outside or not _ref(repo, "MERGE_HEAD"):
        repo.git("merge", "--abort")
        where = ", ".join(outside[:5]) or "git refused the merge"
        raise ConflictError(
            f"merging {onto} conflicts outside the store ({where}); nothing changed: "
            f"'git merge {onto}', fix those, then 'zenml resolve'"
        )
    return "merge"


def finish_merge(repo: Repo) -> str:
    """Commit the merge in progress (its message as git prepared it); the new commit."""
    repo.check(*repo.identity_args(), "commit", "-q", "--no-verify", "--no-edit")
    return repo.check("rev-parse", "HEAD")
