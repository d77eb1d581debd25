"""``zenml model ...``: register, list, describe, update and delete models."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Annotated, overload

import typer

from zenml_cli.cli.complete import model_names, version_refs
from zenml_cli.cli.context import (
    DEFAULT_SIZE,
    ListOutputOpt,
    OutputOpt,
    PageOpt,
    PushOpt,
    PushOptionOpt,
    ReviewBranchOpt,
    SizeOpt,
    SortOpt,
    VerboseOpt,
    YesOpt,
    confirm_or_refuse,
    registry,
)
from zenml_cli.cli.model_field_options import MODEL_FIELDS, with_model_field_options
from zenml_cli.cli.render import (
    ListOutputFormat,
    OutputFormat,
    message,
    render_list,
    render_record,
    render_write,
)
from zenml_cli.core.output_fields import output_fields
from zenml_cli.enums import LinkKind
from zenml_cli.errors import UsageError

if TYPE_CHECKING:
    from zenml_cli.core.keywords import ModelText, NewModel

app = typer.Typer(help="Register, list, describe, update and delete models.", no_args_is_help=True)

ARTIFACT_COLUMNS = ("name", "version", "type", "materializer", "size", "created", "id")
RUN_COLUMNS = ("name", "pipeline", "status", "start_time", "end_time", "step_count", "id")
MODEL_COLUMNS = ("name", "tags", "staging_version", "production_version", "license", "created")
# What a narrow terminal keeps first (render_list's priority): who holds which stage.
MODEL_PRIORITY = ("name", "production_version", "staging_version", "tags", "created", "license")

NameArg = Annotated[
    str,
    typer.Argument(help="Model name (or id).", show_default=False, autocompletion=model_names),
]
#: The older flag spelling, kept for scripts written against earlier releases.
NoSaveOpt = Annotated[
    bool,
    typer.Option(
        "--no-save-models-to-registry",
        "-S",
        hidden=True,
        help="Same as --save-models-to-registry false.",
    ),
]
VersionOpt = Annotated[
    str | None,
    typer.Option(
        "--version",
        "--model_version",  # ZenML's spelling and letter (DESIGN section 5: ported scripts)
        "-v",
        help="Version number, name, id or stage (default: latest).",
        show_default=False,
        autocompletion=version_refs,
    ),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", "-t", metavar="TAG", help="A tag (repeatable).")
]


@overload
def _boolean(value: str) -> bool: ...
@overload
def _boolean(value: None) -> None: ...
def _boolean(value: str | None) -> bool | None:
    """ZenML's ``--save-models-to-registry false`` (``-s false``): an option with a value.
    ZenML's letters win where ZenML defines them: ``-s`` is this option in ``model register``
    and ``model update``, and ``--stage`` in the version commands."""
    if value is None:
        return None
    text = value.strip().lower()
    if text in ("true", "t", "yes", "y", "1", "on"):
        return True
    if text in ("false", "f", "no", "n", "0", "off"):
        return False
    raise typer.BadParameter(
        f"{value!r} is not a boolean; use true or false", param_hint="'--save-models-to-registry'"
    )


@app.command("register")
@with_model_field_options
def register(
    ctx: typer.Context,
    name_arg: Annotated[
        str | None, typer.Argument(metavar="NAME", help="Model name.", show_default=False)
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Model name (instead of the argument).")
    ] = None,
    fields: ModelText = MODEL_FIELDS,
    tag: TagOpt = None,
    save_models_to_registry: Annotated[
        str,
        typer.Option(
            "--save-models-to-registry",
            "-s",
            metavar="BOOLEAN",
            help="Whether model artifacts of this model go to the model registry (true/false).",
        ),
    ] = "true",
    no_save: NoSaveOpt = False,
    exist_ok: Annotated[
        bool,
        typer.Option(
            "--exist-ok",
            help="Succeed without changes when the model exists (as mkdir -p): for CI jobs "
            "that register on their first run.",
        ),
    ] = False,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Register a new model (exit 4 if the name, ignoring case, is taken; 0 with
    --exist-ok)."""
    if name_arg is not None and name is not None and name_arg != name:
        raise UsageError(f"two names given ({name_arg!r} and --name {name!r}); give one")
    chosen = name_arg if name_arg is not None else name
    if chosen is None:
        raise UsageError("missing model name; give it as NAME or --name")
    new: NewModel = {
        **fields,
        "tags": tag,
        "save_models_to_registry": _boolean(save_models_to_registry) and not no_save,
    }
    project = registry(ctx, push=push, branch=branch, push_options=push_option)
    created = True
    if exist_ok:
        record, created = project.ensure_model(chosen, **new)
    else:
        record = project.create_model(chosen, **new)
    render_write(record.to_dict(), output, verbose, title=f"model {record.name}")
    if created:
        message(f"registered model '{record.name}'")
    else:
        message(f"model '{record.name}' is already registered; nothing changed")


@app.command("list")
def list_(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Name filter: exact, or contains:/startswith:/endswith:TEXT."),
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only models with this tag.")] = None,
    sort_by: SortOpt = None,
    page: PageOpt = 1,
    size: SizeOpt = DEFAULT_SIZE,
    output: ListOutputOpt = ListOutputFormat.TABLE,
) -> None:
    """List models (sorted by name; --sort-by created)."""
    result = registry(ctx).list_model_page(
        name=name, tag=tag, sort_by=sort_by or "name", page=page, size=size
    )
    items = [record.to_dict() for record in result]
    render_list(
        items,
        result.pagination(),
        output,
        MODEL_COLUMNS,
        title="models",
        newest="desc:created",
        priority=MODEL_PRIORITY,
        fields=partial(output_fields, "model"),
    )
    if result.problems:  # the others are listed; the unreadable ones are named, exit 6
        for problem in result.problems:
            message(f"Error: {problem}")
        raise typer.Exit(result.problems[0].exit_code)


@app.command("describe")
def describe(ctx: typer.Context, model: NameArg, output: OutputOpt = OutputFormat.TABLE) -> None:
    """Show one model: its fields, stage holders and latest version."""
    data = registry(ctx).describe_model(model)
    render_record(data, output, title=f"model {data['name']}")


@app.command("update")
@with_model_field_options
def update(
    ctx: typer.Context,
    model: NameArg,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Rename the model.")] = None,
    fields: ModelText = MODEL_FIELDS,
    tag: TagOpt = None,
    remove_tag: Annotated[
        list[str] | None,
        typer.Option("--remove-tag", "-r", metavar="TAG", help="Remove a tag (repeatable)."),
    ] = None,
    save_models_to_registry: Annotated[
        str | None,
        typer.Option(
            "--save-models-to-registry",
            "-s",
            metavar="BOOLEAN",
            help="Whether model artifacts of this model go to the model registry (true/false).",
            show_default=False,
        ),
    ] = None,
    no_save: NoSaveOpt = False,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Change a model's fields or tags, or rename it; unset options stay as they are."""
    changes = (name, *fields.values())
    saving = False if no_save else _boolean(save_models_to_registry)
    if all(c is None for c in changes) and not tag and not remove_tag and (saving is None):
        raise UsageError("nothing to change; pass a field option, --name, --tag or --remove-tag")
    record = registry(ctx, push=push, branch=branch, push_options=push_option).update_model(
        model,
        name=name,
        add_tags=tag,
        remove_tags=remove_tag,
        save_models_to_registry=saving,
        **fields,
    )
    render_write(record.to_dict(), output, verbose, title=f"model {record.name}")
    message(f"updated model '{record.name}'")


@app.command("delete")
def delete(
    ctx: typer.Context,
    model: NameArg,
    yes: YesOpt = False,
    push: PushOpt = False,
    branch: ReviewBranchOpt = None,
    push_option: PushOptionOpt = None,
    verbose: VerboseOpt = False,
    output: OutputOpt = OutputFormat.TABLE,
) -> None:
    """Delete a model with all its versions and history (asks first unless -y)."""
    door = registry(ctx, push=push, branch=branch, push_options=push_option)
    if not yes:  # with -y the model is found where the write runs (with --push: the tip)
        model = door.get_model(model).name
        confirm_or_refuse(f"Delete model '{model}' and all its versions?", yes)
    record = door.delete_model(model)
    render_write(record.to_dict(), output, verbose, title=f"deleted model {record.name}")
    message(f"deleted model '{record.name}'")


# ``zenml model data_artifacts|model_artifacts|deployment_artifacts|runs``: what pipeline code
# linked to a model version.
def _linked_lister(kind: LinkKind) -> Callable[..., None]:
    def lister(
        ctx: typer.Context,
        model: NameArg,
        version: VersionOpt = None,
        page: PageOpt = 1,
        size: SizeOpt = DEFAULT_SIZE,
        output: ListOutputOpt = ListOutputFormat.TABLE,
    ) -> None:
        result = registry(ctx).linked_artifacts(model, version, kind, page, size)
        items = [record.to_dict() for record in result]
        render_list(
            items, result.pagination(), output, ARTIFACT_COLUMNS, title=f"{kind} artifacts",
            fields=partial(output_fields, "artifact"),
        )  # fmt: skip

    return lister


def _runs(
    ctx: typer.Context,
    model: NameArg,
    version: VersionOpt = None,
    page: PageOpt = 1,
    size: SizeOpt = DEFAULT_SIZE,
    output: ListOutputOpt = ListOutputFormat.TABLE,
) -> None:
    result = registry(ctx).runs_of_version(model, version, page, size)
    items = [run.to_dict() for run in result]
    render_list(
        items,
        result.pagination(),
        output,
        RUN_COLUMNS,
        title="runs",
        fields=partial(output_fields, "run"),
    )


for _kind in LinkKind:
    app.command(
        f"{_kind.value}_artifacts",
        help=f"List the {_kind.value} artifacts linked to a model version.",
    )(_linked_lister(_kind))
app.command("runs", help="List the pipeline runs that created or used a model version.")(_runs)
