"""``zenml model version list | describe | compare | history``: the commands that only read."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import typer

from zenml_cli.cli.commands.version_options import ModelArg, VersionArg
from zenml_cli.cli.complete import (
    list_stage_words,
    model_names,
    version_refs,
)
from zenml_cli.cli.context import (
    DEFAULT_SIZE,
    ListOutputOpt,
    OutputOpt,
    PageOpt,
    SizeOpt,
    registry,
)
from zenml_cli.cli.render import (
    ListOutputFormat,
    OutputFormat,
    compact_json,
    message,
    render_json_texts,
    render_list,
    render_record,
)
from zenml_cli.core.output_fields import output_fields
from zenml_cli.errors import UsageError

VERSION_COLUMNS = ("model", "number", "name", "stage", "tags", "created", "created_by")
HISTORY_COLUMNS = ("seq", "time", "actor", "event", "version", "from", "to", "archived", "message")
# What a narrow terminal keeps first (render_list's priority): what moved where, and why.
VERSION_PRIORITY = ("number", "stage", "name", "model", "created", "created_by", "tags")
HISTORY_PRIORITY = ("version", "from", "to", "archived", "message", "actor", "event", "seq")


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
        str | None,
        typer.Option(
            "--number",
            metavar="[N|OP:N]",
            help="Only this version number, or numbers passing OP:N with OP one of equals, "
            "notequals, gt, gte, lt, lte (e.g. gte:2).",
        ),
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

    def listed(lister: Callable[..., Any]) -> Any:
        return lister(
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

    door = registry(ctx)
    texts = None
    if output == "json" and compact_json():  # joined from ready JSON text where it can be
        texts = listed(door.list_version_json)
    result = texts if texts is not None else listed(door.list_version_dicts)
    if texts is not None:
        render_json_texts(texts.items, texts.pagination())
    else:
        render_list(
            result.items,
            result.pagination(),
            output,
            VERSION_COLUMNS,
            title="model versions",
            newest="desc:number",
            priority=VERSION_PRIORITY,
            fields=partial(output_fields, "version"),
        )
    if result.problems:  # the others are listed; the unreadable ones are named, exit 6
        for problem in result.problems:
            message(f"Error: {problem}")
        raise typer.Exit(result.problems[0].exit_code)


def describe(
    ctx: typer.Context,
    model: ModelArg,
    version: VersionArg = "latest",
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Show one version: number, name, stage, tags, metadata and linked artifacts."""
    found = registry(ctx).get_version(model, version)
    render_record(found.to_dict(), output, title=f"{found.model} version {found.number}")


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
        holders = {"model": model, "at": at, **registry(ctx).holders_at(model, at)}
        render_list([holders], None, output, list(holders), title=f"{model} at {at}")
        return
    events = registry(ctx).history(model, version)
    items = [event.to_dict() for event in events]
    if output == "table":  # a rollback is a stage event (scripts read "rollback": true)
        items = [{**i, "event": "stage (rollback)"} if i.get("rollback") else i for i in items]
    render_list(
        items, None, output, HISTORY_COLUMNS, title=f"history of {model}", priority=HISTORY_PRIORITY
    )
