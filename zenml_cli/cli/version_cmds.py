"""``zenml model version ...``: create, list, describe, compare, promote (gated or not),
rename, delete, history."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from zenml_cli.cli.complete import (
    STAGE_METAVAR,
    list_stage_words,
    model_names,
    stage_words,
    version_refs,
)
from zenml_cli.cli.context import (
    DEFAULT_SIZE,
    ListOutputOpt,
    OutputOpt,
    PageOpt,
    PushOpt,
    PushOptionOpt,
    ReviewBranchOpt,
    SizeOpt,
    VerboseOpt,
    YesOpt,
    confirm_or_refuse,
    registry,
)
from zenml_cli.cli.github import summarise_promotion
from zenml_cli.cli.render import (
    ListOutputFormat,
    OutputFormat,
    message,
    render_list,
    render_record,
    render_write,
)
from zenml_cli.core.actor import parse_time
from zenml_cli.errors import UsageError
from zenml_cli.registry import metadata_from_options

app = typer.Typer(
    help="Create, list, describe, promote, rename and delete model versions.",
    no_args_is_help=True,
)

VERSION_COLUMNS = ("model", "number", "name", "stage", "tags", "created", "created_by")
HISTORY_COLUMNS = ("seq", "time", "actor", "event", "version", "from", "to", "archived", "message")
# What a narrow terminal keeps first (render_list's priority): what moved where, and why.
VERSION_PRIORITY = ("number", "stage", "name", "model", "created", "created_by", "tags")
HISTORY_PRIORITY = ("version", "from", "to", "archived", "message", "actor", "event", "seq")

ModelArg = Annotated[
    str,
    typer.Argument(help="Model name (or id).", show_default=False, autocompletion=model_names),
]
VersionArg = Annotated[
    str,
    typer.Argument(
        help="Version number, name, id, or stage (latest, staging, production, ...).",
        autocompletion=version_refs,
    ),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", "-t", metavar="TAG", help="A tag (repeatable).")
]
MetadataOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--metadata",
        "-M",
        metavar="KEY=VALUE",
        help="Run metadata (repeatable); VALUE is read as JSON when it parses, else as text.",
    ),
]
MetadataFileOpt = Annotated[
    str | None,
    typer.Option(
        "--metadata-file",
        metavar="FILE",
        help="A JSON or YAML mapping merged into the run metadata (-M pairs win).",
    ),
]


@app.command("create")
def create(
    ctx: typer.Context,
    model: ModelArg,
    version_name: Annotated[
        str | None,
        typer.Argument(help="Name of the new version (default: its number).", show_default=False),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="What changed in this version.")
    ] = None,
    tag: TagOpt = None,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    metadata: MetadataOpt = None,
    metadata_file: MetadataFileOpt = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Register the next version of a model; it gets the next number."""
    version = registry(ctx, push=push, branch=branch, push_options=push_option).create_version(
        model,
        version_name,
        description=description,
        tags=tag,
        metadata=metadata_from_options(metadata, metadata_file),
    )
    render_write(
        version.to_dict(), output, verbose, title=f"{version.model} version {version.number}"
    )
    message(f"registered version {version.number} ('{version.name}') of model '{version.model}'")


@app.command("list")
def list_(
    ctx: typer.Context,
    model_arg: Annotated[
        str | None,
        typer.Argument(
            metavar="[MODEL]",
            help="Only versions of this model (same as --model).",
            show_default=False,
            autocompletion=model_names,
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Only versions of this model.", autocompletion=model_names),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Name filter: exact, or contains:/startswith:/endswith:TEXT."),
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            "-s",
            metavar="[staging|production|archived|none|latest]",
            help="Only versions in this stage (or 'latest').",
            autocompletion=list_stage_words,
        ),
    ] = None,
    number: Annotated[
        int | None, typer.Option("--number", help="Only this version number.")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only versions with this tag.")] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            "-w",
            metavar="'FIELD OP VALUE'",
            help="Keep versions where FIELD OP VALUE holds (repeatable, all must hold); "
            "OP is == != < <= > >=, FIELD is metadata.KEY or stage, number, name, ... "
            "(e.g. 'metadata.auc >= 0.9').",
        ),
    ] = None,
    sort_by: Annotated[
        str | None,
        typer.Option(
            "--sort-by",
            help="number, name, created, stage or metadata.KEY, optionally prefixed asc: or "
            "desc: (e.g. desc:metadata.auc; versions without the key come last).",
        ),
    ] = None,
    page: PageOpt = 1,
    size: SizeOpt = DEFAULT_SIZE,
    output: ListOutputOpt = ListOutputFormat.TABLE,
) -> None:
    """List model versions (of one model, or of all), sorted by number."""
    if model_arg and model and model_arg != model:
        raise UsageError(f"two models given ({model_arg!r} and --model {model!r}); give one")
    result = registry(ctx).list_version_dicts(
        model_arg or model,
        name=name,
        stage=stage,
        number=number,
        tag=tag,
        sort_by=sort_by or "number",
        page=page,
        size=size,
        where=where,
    )
    items = result.items
    render_list(
        items,
        result.pagination(),
        output,
        VERSION_COLUMNS,
        title="model versions",
        newest="desc:number",
        priority=VERSION_PRIORITY,
    )
    if result.problems:  # the others are listed; the unreadable ones are named, exit 6
        for problem in result.problems:
            message(f"Error: {problem}")
        raise typer.Exit(result.problems[0].exit_code)


@app.command("describe")
def describe(
    ctx: typer.Context,
    model: ModelArg,
    version: VersionArg = "latest",
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Show one version: number, name, stage, tags, metadata and linked artifacts."""
    found = registry(ctx).get_version(model, version)
    render_record(found.to_dict(), output, title=f"{found.model} version {found.number}")


@app.command("update")
def update(
    ctx: typer.Context,
    model: ModelArg,
    version: VersionArg = "latest",
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            "-s",
            metavar=STAGE_METAVAR,
            help="Move to this stage.",
            autocompletion=stage_words,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Override the project's promotion policies.")
    ] = False,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Rename the version.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="New description.")
    ] = None,
    tag: TagOpt = None,
    remove_tag: Annotated[
        list[str] | None,
        typer.Option("--remove-tag", "-r", metavar="TAG", help="Remove a tag (repeatable)."),
    ] = None,
    message_text: Annotated[
        str | None,
        typer.Option("--message", "-m", help="Why: recorded with the change in the history."),
    ] = None,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    metadata: MetadataOpt = None,
    metadata_file: MetadataFileOpt = None,
    if_better: Annotated[
        str | None,
        typer.Option(
            "--if-better",
            metavar="KEY[:higher|:lower]",
            help="Gate: promote only if this version's metadata KEY beats the stage holder's "
            "(strictly; default higher is better; an empty stage passes); else exit 4.",
        ),
    ] = None,
    if_current: Annotated[
        str | None,
        typer.Option(
            "--if-current",
            metavar="N|none",
            help="Promote only if version N (or nobody, with none) holds the stage now; "
            "else exit 4.",
        ),
    ] = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Promote a version to a stage, rename it, or change its description, tags or metadata.

    VERSION defaults to latest. Promoting to an occupied staging or production archives the
    previous holder in the same write. --if-better and --if-current are checked under the
    model's lock; a refused update changes nothing.
    """
    if stage is None and (if_better is not None or if_current is not None):
        raise UsageError("--if-better and --if-current guard a promotion; add --stage STAGE")
    changes = (name, description, tag, remove_tag, metadata, metadata_file)
    if stage is None and all(value is None or value == [] for value in changes):
        raise UsageError(
            "nothing to change; pass --stage, --name, --description, --tag, --remove-tag, "
            "--metadata or --metadata-file"
        )
    result = registry(ctx, push=push, branch=branch, push_options=push_option).update_version(
        model,
        version,
        stage=stage,
        force=force,
        name=name,
        description=description,
        add_tags=tag,
        remove_tags=remove_tag,
        message=message_text,
        metadata=metadata_from_options(metadata, metadata_file),
        if_better=if_better,
        if_current=if_current,
    )
    moved = result.version
    change = result.stage_change
    if result.renamed_from is not None:
        message(
            f"renamed version {moved.number} of '{moved.model}' from "
            f"'{result.renamed_from}' to '{moved.name}'"
        )
    if change is not None and change.changed:
        archived = f"; archived version {change.archived}" if change.archived else ""
        message(
            f"moved version {moved.number} ('{moved.name}') of '{moved.model}' from "
            f"{change.from_stage} to {change.to_stage}{archived}"
        )
        summarise_promotion(
            moved.model,
            moved.number,
            moved.name,
            str(change.from_stage),
            str(change.to_stage),
            change.archived,
            result.gate,
            message_text,
        )
    elif change is not None:
        message(f"version {moved.number} of '{moved.model}' is already in {change.to_stage}")
    if result.gate is not None:
        gate = result.gate
        against = (
            f"version {gate['holder']} has {gate['holder_value']}"
            if gate["holder_value"] is not None
            else f"version {gate['holder']} has {gate['key']}={gate['holder_value_ignored']}, "
            "not a finite number: treated as missing"
            if "holder_value_ignored" in gate
            else "no value to beat"
        )
        message(f"gate {gate['key']}:{gate['direction']} passed: {gate['candidate']} ({against})")
    if not result.renamed_from and change is None:
        message(f"updated version {moved.number} ('{moved.name}') of '{moved.model}'")
    render_write(result.to_dict(), output, verbose, title=f"{moved.model} version {moved.number}")


@app.command("compare")
def compare(
    ctx: typer.Context,
    model: ModelArg,
    a: Annotated[
        str,
        typer.Argument(help="First version (number, name or stage).", autocompletion=version_refs),
    ],
    b: Annotated[
        str,
        typer.Argument(help="Second version (number, name or stage).", autocompletion=version_refs),
    ],
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Compare two versions: fields, tags, metadata (with b - a for numbers) and linked
    artifacts added, removed or changed (by payload hash)."""
    result = registry(ctx).compare_versions(model, a, b)
    if output != "table":
        render_record(result, output)
        return
    title = f"{result['model']}: version {result['a']} (a) vs {result['b']} (b)"
    render_list(
        comparison_rows(result), None, output, COMPARE_COLUMNS, title=title,
        priority=("item", "a", "b", "change", "section"),
    )  # fmt: skip


COMPARE_COLUMNS = ("section", "item", "a", "b", "change")


def comparison_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The comparison as one table: a row per field, tag, metadata key and artifact."""
    rows: list[dict[str, Any]] = []
    for row in result["fields"]:
        change = "changed" if row["changed"] else ""
        rows.append({"section": "field", "item": row["field"], "a": row["a"], "b": row["b"]})
        rows[-1]["change"] = change
    for status in ("added", "removed"):
        for tag_name in result["tags"][status]:
            rows.append({"section": "tag", "item": tag_name, "change": status})
    for row in result["metadata"]:
        change = row["status"] if row["status"] != "same" else ""
        if row["difference"] is not None and row["difference"] != 0:
            change = f"{row['difference']:+g}"
        rows.append(
            {"section": "metadata", "item": row["key"], "a": row["a"], "b": row["b"]}
            | {"change": change}
        )
    for status, links in result["artifacts"].items():
        for link in links:
            rows.append(
                {
                    "section": f"{link['kind']} artifact",
                    "item": link["name"],
                    "a": _link_cell(link["a"]),
                    "b": _link_cell(link["b"]),
                    "change": "" if status == "unchanged" else status,
                }
            )
    return rows


def _link_cell(link: dict[str, Any] | None) -> str:
    if link is None:
        return ""
    digest = (link["sha256"] or "")[:12]
    return f"{link['version']} ({digest})" if digest else str(link["version"])


@app.command("delete")
def delete(
    ctx: typer.Context,
    model: ModelArg,
    version: Annotated[
        str,
        typer.Argument(
            help="Version number, name or id.", show_default=False, autocompletion=version_refs
        ),
    ],
    yes: YesOpt = False,
    force: Annotated[
        bool,
        typer.Option("--force", "-f", help="Delete it even if it holds staging or production."),
    ] = False,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Delete one version (asks first unless -y). Its number is never reused."""
    door = registry(ctx, push=push, branch=branch, push_options=push_option)
    target = door.get_version(model, version)
    confirm_or_refuse(f"Delete version {target.number} ('{target.name}') of '{target.model}'?", yes)
    deleted = door.delete_version(target.model, target.number, force=force)
    render_write(
        deleted.to_dict(),
        output,
        verbose,
        title=f"deleted {deleted.model} version {deleted.number}",
    )
    message(f"deleted version {deleted.number} of model '{deleted.model}'")


@app.command("history")
def history(
    ctx: typer.Context,
    model: ModelArg,
    version: Annotated[
        str | None,
        typer.Argument(help="Only events of this version number.", show_default=False),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Instead, show who held staging/production at this UTC time "
            "(ISO 8601, e.g. 2026-11-26T10:00:00Z).",
        ),
    ] = None,
    output: ListOutputOpt = ListOutputFormat.TABLE,
) -> None:
    """Show the model's stage changes, renames and deletes: who, when, from, to, why."""
    if at is not None:
        moment = parse_time(at)
        holders = {"model": model, "at": at, **registry(ctx).holders_at(model, moment)}
        render_list([holders], None, output, list(holders), title=f"{model} at {at}")
        return
    events = registry(ctx).history(model, version)
    items = [event.to_dict() for event in events]
    if output == "table":  # a rollback is a stage event (scripts read "rollback": true)
        items = [{**i, "event": "stage (rollback)"} if i.get("rollback") else i for i in items]
    render_list(
        items, None, output, HISTORY_COLUMNS, title=f"history of {model}", priority=HISTORY_PRIORITY
    )
