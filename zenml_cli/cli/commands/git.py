"""``zenml resolve`` and ``zenml git install|merge-file``: the registry merges like code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from zenml_cli.cli.context import OutputOpt, registry
from zenml_cli.cli.render import OutputFormat, message, render_list, render_record
from zenml_cli.errors import InvalidInputError

app = typer.Typer(
    help="Set up this clone so git merges the registry by itself (merge driver and hooks).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def resolve(
    ctx: typer.Context,
    base: Annotated[
        str | None, typer.Option("--base", help="Merge base commit (default: git merge-base).")
    ] = None,
    ours: Annotated[
        str | None, typer.Option("--ours", help="Our side's commit (default: from git's state).")
    ] = None,
    theirs: Annotated[
        str | None,
        typer.Option("--theirs", help="Their side's commit, or a stash (default: git's state)."),
    ] = None,
    commit: Annotated[
        bool,
        typer.Option(
            "--commit", help="After a finished merge or rebase, commit the result as well."
        ),
    ] = False,
    onto: Annotated[
        str | None,
        typer.Option(
            "--onto",
            help="Bring this branch up to date with REF (e.g. origin/main): merge it, re-plan "
            "this branch's registry writes on top (REF keeps its numbers), commit.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Plan and report only; write nothing.")
    ] = False,
    hook: Annotated[
        str | None,
        typer.Option(
            "--hook",
            help="Run as the installed git hook NAME (post-merge, post-rewrite, post-commit): "
            "quiet when nothing collided, commits the result.",
        ),
    ] = None,
    hook_args: Annotated[
        list[str] | None, typer.Argument(help="The hook's own arguments (with --hook).")
    ] = None,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Re-plan the other branch's registry writes on top of ours after a merge (a squash
    too), rebase step, cherry-pick or stash pop: colliding versions get fresh numbers,
    references follow by id, stage events replay; writes .zenml/ and stages it (git add)."""
    if hook is not None:
        _run_hook(ctx, hook, hook_args or [])
        return
    if hook_args:
        raise typer.BadParameter("extra arguments are only for --hook", param_hint="ARGS")
    if onto is not None and (base or ours or theirs or dry_run):
        raise typer.BadParameter("--onto takes no --base/--ours/--theirs/--dry-run")
    report = registry(ctx).resolve(
        base=base, ours=ours, theirs=theirs, commit=commit, check_only=dry_run, onto=onto
    )
    assert report is not None  # noqa: S101 - only a hook run may find nothing
    data = report.to_dict()
    if output != "table":
        render_record(data, output)
    else:
        _table(data)
    message(_summary(data, dry_run))


def _run_hook(ctx: typer.Context, hook: str, args: list[str]) -> None:
    """A hook must never fail the git command that ran it: report and exit 0."""
    if hook == "post-rewrite" and args[:1] != ["rebase"]:
        return  # an amend
    if hook == "post-rewrite" and not sys.stdin.isatty():
        sys.stdin.read()  # the list of rewritten commits: not needed, but git writes it
    try:
        report = registry(ctx).resolve(hook=hook, commit=True)
    except Exception as exc:  # noqa: BLE001 - any failure becomes a message, never a failed git command
        message(f"zenml resolve ({hook} hook): {exc}; run 'zenml resolve' and 'zenml doctor'")
        return
    if report is None:
        return
    data = report.to_dict()
    if data["moved"] or data["notes"] or data["committed"]:
        _table(data)
        message(_summary(data, False))


def _table(data: dict[str, Any]) -> None:
    moved = [{**m, "from": m["old"], "to": m["new"]} for m in data["moved"]]
    if moved:
        render_list(moved, None, "table", ["kind", "name", "from", "to", "id"], title="moved")
    if data["notes"]:
        render_list(data["notes"], None, "table", ["kind", "path", "detail"], title="notes")


def _summary(data: dict[str, Any], dry_run: bool) -> str:
    side = data["kept_numbers"]
    what = (
        f"{data['operation']}: {len(data['moved'])} version(s) renumbered, "
        f"{len(data['notes'])} note(s); {side} kept its numbers"
    )
    if dry_run:
        return what + " (dry run: nothing written)"
    if data["committed"]:
        return f"{what}; committed {data['committed'][:12]}"
    return (
        f"{what}; wrote {data['files_written']} and removed {data['files_removed']} file(s), "
        "staged (git add): continue the merge/rebase, or commit"
    )


@app.command("install")
def install(
    ctx: typer.Context,
    chain: Annotated[
        bool,
        typer.Option(
            "--chain",
            help="Keep existing post-merge/post-rewrite/post-commit hooks (renamed "
            "NAME.pre-zenml) and run them first, instead of refusing.",
        ),
    ] = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Install the registry's merge driver and hooks in this clone's .git/ (as git lfs
    install): a plain git merge or git pull then resolves registry collisions by itself."""
    done = registry(ctx).git_install(_zenml_command(), chain=chain)
    if output != "table":
        render_record(done, output)
    message(
        f"installed merge driver 'zenml' ({done['attributes_file']}) and hooks "
        f"{', '.join(Path(h).name for h in done['hooks'])}"
        + (f"; kept your hooks as {', '.join(done['chained'])}" if done["chained"] else "")
    )


@app.command("merge-file")
def merge_file(
    ctx: typer.Context,
    base: Annotated[str, typer.Argument(help="git's %O: the merge base's version of the file.")],
    ours: Annotated[str, typer.Argument(help="git's %A: ours, replaced by the merged file.")],
    theirs: Annotated[str, typer.Argument(help="git's %B: theirs.")],
    path: Annotated[str, typer.Argument(help="git's %P: the file's path in the repository.")],
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """The merge driver git runs for store files (set up by 'zenml git install'); exit 1
    with the reason when the file needs 'zenml resolve'."""
    done = registry(ctx, for_init=True).git_merge_file(base, ours, theirs, path)
    if output != "table":
        render_record({"path": path, "conflict": done.conflict, "deferred": done.deferred}, output)
    if done.deferred is not None:
        message(f"zenml: {done.deferred}; kept ours for now, marked unresolved")
    if done.conflict is not None:
        message(f"zenml: {done.conflict}")
        raise typer.Exit(1)


def _zenml_command() -> str:
    """The zenml the hooks and driver should run: this very one (a venv's script need not be
    on PATH when git runs a hook); under ``python -m zenml_cli``, the script beside that
    Python."""
    script = Path(sys.argv[0])
    if script.name in ("zenml", "zenml-cli") and script.exists():
        return str(script.resolve())
    beside = Path(sys.executable).with_name("zenml")
    if beside.exists():
        return str(beside)
    raise InvalidInputError(
        "cannot tell which zenml command the hooks should run; run 'zenml git install' "
        "from the installed zenml script"
    )
