"""``zenml resolve``: find the merge git is in (or just finished), read the three ``.zenml/``
states from git, plan the merged registry (``core/merge``), write it into the work tree and
stage it; after a finished merge or rebase, ``commit`` records it as a follow-up commit."""

from __future__ import annotations

from zenml_cli.core.merge import MergeReport, merge_stores
from zenml_cli.errors import (
    ConflictError,
    CorruptManifestError,
    InvalidInputError,
    NotFoundError,
    RemoteError,
)
from zenml_cli.store import Store
from zenml_cli.store.git import state as git_state
from zenml_cli.store.git import tree as git_tree
from zenml_cli.store.git.repo import Repo

COMMIT_SUBJECT = git_state.RESOLVE_SUBJECT


def resolve(
    store: Store,
    *,
    base: str | None = None,
    ours: str | None = None,
    theirs: str | None = None,
    commit: bool = False,
    check_only: bool = False,
    hook: str | None = None,
    onto: str | None = None,
) -> MergeReport | None:
    """Resolve the registry of the merge in progress (or just finished) in ``store``'s clone.
    ``check_only``: plan and report, write nothing. ``hook``: run from an installed git hook
    (None when the hook has nothing to resolve: a fast-forward, an amend). ``onto``: bring
    this branch up to date with REF (a stale review branch): merge REF, re-plan this branch's
    registry writes on top of it (REF keeps its numbers), and commit the merge."""
    try:
        repo = Repo.of(store.root)
    except RemoteError as exc:  # not a git work tree
        raise InvalidInputError(f"zenml resolve needs a git work tree: {exc}") from None
    if not store.has_store_dir():  # resolving an empty registry would report success, wrongly
        raise NotFoundError(
            "no zenml store found (none in the current folder or above it, up to the git "
            f"work tree's top {repo.top}); run 'zenml resolve' in the project folder that "
            "holds .zenml/, or pass --project-dir DIR"
        )
    if onto is not None:
        return _onto(store, repo, onto)
    if hook is not None:
        found = git_state.hook_inputs(repo, hook)
        if found is None:
            return None
        inputs = found
    else:
        inputs = git_state.find_inputs(repo, base, ours, theirs)
    return _resolve(store, repo, inputs, commit=commit, check_only=check_only)


def _resolve(
    store: Store,
    repo: Repo,
    inputs: git_state.MergeInputs,
    *,
    commit: bool = False,
    check_only: bool = False,
    keep_theirs: bool | None = None,
) -> MergeReport:
    """Plan, write and stage the merge ``inputs`` names. ``keep_theirs``: which side keeps
    its numbers, when the caller knows (None: the side holding the default branch's tip)."""
    if inputs.finished and git_tree.store_is_dirty(repo) and not check_only:
        raise ConflictError(
            f"{repo.store_path} has uncommitted changes; commit or stash them, then run "
            "'zenml resolve' again (it rewrites the store as the merge should have left it)"
        )
    report = MergeReport(
        operation=inputs.operation, base=inputs.base, ours=inputs.ours, theirs=inputs.theirs
    )
    if keep_theirs is None:
        keep_theirs = _theirs_keeps_numbers(store, repo, inputs.ours, inputs.theirs)
    ours_files = git_tree.read_store(repo, inputs.ours)
    theirs_files = git_tree.read_store(repo, inputs.theirs, inputs.theirs_extra)
    merged = merge_stores(
        git_tree.read_store(repo, inputs.base),
        ours_files,
        theirs_files,
        keep_theirs=keep_theirs,
        report=report,
        lineage=_lineage(repo, inputs),
    )
    if check_only:
        return report
    tracked = set(git_tree.tracked_store_files(repo)) | set(ours_files) | set(theirs_files)
    remove = sorted(path for path in tracked if path not in merged)
    report.files_written, report.files_removed = git_tree.write_store(store.dir, merged, remove)
    if report.files_written or report.files_removed or not inputs.finished:
        git_tree.stage_store(repo)
    if commit and inputs.finished and git_tree.store_is_dirty_index(repo):
        report.committed = git_tree.commit_store(repo, _message(report))
    return report


def _onto(store: Store, repo: Repo, onto: str) -> MergeReport:
    started = git_state.start_merge(repo, onto)
    if started != "merge":
        head = repo.check("rev-parse", "HEAD")
        return MergeReport(operation=f"onto {onto}: {started}", ours=head, theirs=head)
    try:
        # ours is this branch and theirs the ref, as git has them; the ref keeps its numbers
        # whatever the default branch is (the report then says "theirs kept its numbers").
        inputs = git_state.find_inputs(repo, None, "HEAD", "MERGE_HEAD")
        report = _resolve(store, repo, inputs, keep_theirs=True)
    except BaseException:
        repo.git("merge", "--abort")
        raise
    report.operation = f"onto {onto}"
    report.committed = git_state.finish_merge(repo)
    return report


def _lineage(repo: Repo, inputs: git_state.MergeInputs) -> tuple[bool, bool]:
    """Whether ours and theirs descend from the base: a merge's do, a cherry-pick's or a
    rebase step's ours does not (the base is the picked commit's parent)."""
    if inputs.base is None:
        return (True, True)
    return (
        git_state.is_ancestor(repo, inputs.base, inputs.ours),
        git_state.is_ancestor(repo, inputs.base, inputs.theirs),
    )


def _theirs_keeps_numbers(store: Store, repo: Repo, ours: str, theirs: str) -> bool:
    """True when theirs is, or contains, the default branch's tip and ours does not: numbers
    on the default branch are permanent, so the other side gives way."""
    try:
        settings = store.config.git
        remote, branch = settings.remote, settings.branch
    except CorruptManifestError:  # a conflicted config.yaml: assume the usual names
        remote, branch = "origin", None
    tip = git_state.default_tip(repo, remote, branch)
    if tip is None:
        return False
    return git_state.is_ancestor(repo, tip, theirs) and not git_state.is_ancestor(repo, tip, ours)


def _message(report: MergeReport) -> str:
    lines = [COMMIT_SUBJECT, ""]
    lines += [f"{m.kind} {m.name} {m.old} -> {m.new} (id {m.id})" for m in report.moved] or [
        "no version moved"
    ]
    lines += [f"{n.kind}: {n.path}: {n.detail}" for n in report.notes]
    return "\n".join(lines) + "\n"
