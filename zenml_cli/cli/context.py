"""What every command shares: the store it works on, common options, and the error funnel."""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup

from zenml_cli.cli.render import ListOutputFormat, OutputFormat, message, render_record
from zenml_cli.errors import RefusedError, UsageError, ZenMLCliError
from zenml_cli.limits import DEFAULT_PAGE_SIZE
from zenml_cli.registry import Registry


def _remember_output(ctx: typer.Context, value: Any) -> Any:
    """Note the chosen ``-o`` where the error funnel finds it (``meta`` is shared by a
    command's whole context chain), so a refusal can be printed in that format."""
    ctx.meta["zenml_cli.output"] = str(value.value if hasattr(value, "value") else value)
    return value


OutputOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--output",
        "-o",
        help="Output format: table for people, json or yaml for scripts.",
        case_sensitive=False,
        callback=_remember_output,
    ),
]
ListOutputOpt = Annotated[
    ListOutputFormat,
    typer.Option(
        "--output",
        "-o",
        help="Output format: table, json, yaml, csv or tsv.",
        case_sensitive=False,
        callback=_remember_output,
    ),
]
SortOpt = Annotated[
    str | None,
    typer.Option(
        "--sort-by", help="Sort field, optionally prefixed asc: or desc: (e.g. desc:number)."
    ),
]
PageOpt = Annotated[int, typer.Option("--page", help="Page number, from 1.")]
SizeOpt = Annotated[int, typer.Option("--size", help="Items per page.")]
VerboseOpt = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Also print the written record (as -o json does)."),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
PushOpt = Annotated[
    bool,
    typer.Option(
        "--push",
        help="Make this write a transaction on the git remote (also ZENML_PUSH=1): apply it "
        "to the branch tip, commit .zenml/, push; re-plan if the remote moved (exit 8 on "
        "failure).",
    ),
]
ReviewBranchOpt = Annotated[
    str | None,
    typer.Option(
        "--branch",
        metavar="NAME",
        help="With --push: push the commit to branch NAME for a pull request instead of the "
        "registry branch (also git.review_branch, ZENML_GIT_REVIEW_BRANCH).",
    ),
]
PushOptionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--push-option",
        metavar="TEXT",
        help="With --push: a git push option, e.g. merge_request.create (repeatable; also "
        "ZENML_GIT_PUSH_OPTIONS, one per line).",
    ),
]
DEFAULT_SIZE = DEFAULT_PAGE_SIZE


def debug_enabled() -> bool:
    """ZENML_DEBUG is on unless unset or a false word (``0``, ``false``, ``no``, ``off``)."""
    value = os.environ.get("ZENML_DEBUG", "").strip().casefold()
    return value not in ("", "0", "false", "no", "off")


class UsageArgument(TyperArgument):
    """An argument written MODEL or [VERSION] in usage lines, as the README and the help
    texts write them (typer's own style, ``{model} [version]``, reads like a template)."""

    def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
        if not usage:
            return super().make_metavar(ctx, usage=usage)
        name = self.metavar or (self.name or "").upper() + ("..." if self.nargs != 1 else "")
        return name if self.required or name.startswith("[") else f"[{name}]"


def _plain_usage(command: Any) -> None:
    for param in command.params:
        if type(param) is TyperArgument:
            param.__class__ = UsageArgument
    for sub in getattr(command, "commands", {}).values():
        _plain_usage(sub)


class ErrorFunnel(TyperGroup):
    """The one place where errors become exit codes: each ZenMLCliError carries its own,
    anything else is a bug and exits 1 (set ZENML_DEBUG=1 for the traceback)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_usage(self)

    def invoke(self, ctx: Any) -> Any:  # typer.Context is click.Context under another name
        try:
            result = super().invoke(ctx)
            _show_notes(ctx)
            return result
        except RefusedError as exc:
            _show_refusal(ctx, exc)
            raise typer.Exit(exc.exit_code) from None
        except ZenMLCliError as exc:
            message(f"Error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except OSError as exc:
            if debug_enabled():
                raise
            said = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
            hint = _OS_HINTS.get(exc.errno or 0)
            message(f"Error: {said}" + (f"; {hint}" if hint else ""))
            raise typer.Exit(1) from None
        except Exception as exc:
            # Usage errors belong to the framework (typer vendors click): let it print them.
            if debug_enabled() or type(exc).__module__.startswith(("click", "typer")):
                raise
            message(f"Error: unexpected {type(exc).__name__}: {exc} (rerun with ZENML_DEBUG=1)")
            raise typer.Exit(1) from None


#: What to do when the machine refused a read or write (the store is as a crash leaves it:
#: each file old or new; the command can simply run again).
_OS_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, then run the command again",
    errno.EDQUOT: "the disk quota is used up: free some space, then run the command again",
    errno.EFBIG: "a file size limit (ulimit -f) stopped the write: raise it, then run again",
    errno.EROFS: "the store is on a read-only filesystem: run where it can be written",
    errno.EACCES: "permission denied: run as a user who may write the store",
}


def _show_refusal(ctx: Any, exc: RefusedError) -> None:
    """A gate, precondition or policy said no: an outcome, not a fault, so no ``Error:``;
    with ``-o json|yaml`` the refusal's fields go to stdout for scripts (and the Action)."""
    output = ctx.meta.get("zenml_cli.output", "table")
    if output in ("json", "yaml"):
        render_record(exc.to_dict(), output)
    message(str(exc))


def _show_notes(ctx: Any) -> None:
    """What pushed writes left to say (the commit; how to pull), on stderr."""
    if isinstance(ctx.obj, Registry):
        for note in ctx.obj.notes:
            message(note)


def registry(
    ctx: typer.Context,
    *,
    for_init: bool = False,
    push: bool = False,
    branch: str | None = None,
    push_options: list[str] | None = None,
) -> Registry:
    """The registry of the project chosen by --project-dir / $ZENML_PROJECT_DIR / the current
    folder's parents: the one door every command goes through. ``push``, ``branch`` and
    ``push_options`` are a write command's --push, --branch and --push-option.

    An explicit folder without .zenml/ is an error (exit 3) for every command but
    ``zenml init`` (``for_init``), which is how a store is made there."""
    root = ctx.find_root()
    if not isinstance(root.obj, Registry):
        root.obj = Registry(root.params.get("project_dir"), require_store=not for_init)
    if push:
        root.obj.push = True
    if branch is not None:
        root.obj.review_branch = branch
    if push_options:
        root.obj.push_options = tuple(push_options)
    return root.obj


def confirm_or_refuse(question: str, yes: bool) -> None:
    """Ask before deleting; with no terminal (CI) refuse instead of waiting for an answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(f"{question.rstrip('?')} needs confirmation; pass -y to confirm")
    if not typer.confirm(question, default=False):
        raise typer.Exit(1)
