"""The three page types: the index of models, a model, a model version. Pure functions from
the dataclasses of ``data`` to HTML text; they never read the store themselves."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from zenml_cli.dashboard import data, paths
from zenml_cli.dashboard.chart import chart, numeric_keys
from zenml_cli.dashboard.data import (
    ArtifactView,
    ChartRow,
    Event,
    ModelDetail,
    ModelSummary,
    RunView,
    VersionDetail,
    VersionRow,
)
from zenml_cli.dashboard.markup import (
    badge,
    esc,
    fields,
    link,
    page,
    size_text,
    status_badge,
    table,
    tags,
    value_text,
    when,
)
from zenml_cli.dashboard.timeline import tenures

DASH = '<span class="muted">\u2014</span>'
SEP = " \u00b7 "
MODEL_FIELDS = ("license", "audience", "use_cases", "limitations", "trade_offs", "ethics")


# ------------------------------------------------------------------------------- index
def index_page(models: Sequence[ModelSummary]) -> str:
    total = sum(m.version_count for m in models)
    return index_page_of_rows([index_row(m) for m in models], total)


def index_page_of_rows(rows: Sequence[Sequence[str]], total: int) -> str:
    """The index from its rows (``index_row``), which a rebuild keeps for unchanged models;
    ``total`` counts the versions of all models."""
    models = rows
    body = f'<h1>Models</h1><p class="muted">{len(models)} model(s), {total} version(s)</p>' + (
        table(
            (
                "Model",
                "Tags",
                "Staging",
                "Production",
                "Versions",
                "Latest",
                "Last promotion",
            ),
            rows,
            "models",
        )
        if models
        else '<p class="empty">No models yet: register one with '
        "<code>zenml model register NAME</code>.</p>"
    )
    return page("Models", "", [], body)


def index_row(model: ModelSummary) -> list[str]:
    def holder(number: int | None) -> str:
        if number is None:
            return DASH
        return link(paths.version_page(model.name, number), f"v{number}")

    name = link(paths.model_page(model.name), model.name, "model-link")
    if model.description:
        name += f'<div class="muted">{esc(value_text(model.description, 120))}</div>'
    latest = DASH
    if model.latest_number is not None:
        latest = link(
            paths.version_page(model.name, model.latest_number),
            _version_label(model.latest_number, model.latest_name),
        )
    return [
        name,
        tags(model.tags),
        holder(model.staging),
        holder(model.production),
        esc(model.version_count),
        latest,
        _promotion(model.last_promotion),
    ]


def _promotion(event: Event | None) -> str:
    if event is None:
        return DASH
    return (
        f"{when(event.time)}<br>v{esc(event.version)} \u2192 {badge(str(event.to))} "
        f'<span class="muted">by {esc(event.actor)}</span>'
    )


# ------------------------------------------------------------------------------- model
def model_page(model: ModelDetail) -> str:
    summary = model.summary
    known = [(key, model.fields.get(key)) for key in MODEL_FIELDS]
    field_pairs = [(key.replace("_", " "), esc(value)) for key, value in known if value]
    field_pairs += [
        ("staging", _holder(summary.staging)),
        ("production", _holder(summary.production)),
        ("versions", esc(summary.version_count)),
        ("created", when(model.fields.get("created"))),
        ("created by", esc(model.fields.get("created_by"))),
        ("id", f'<span class="hash">{esc(summary.id)}</span>'),
        ("save models to registry", esc(str(model.fields.get("save_models_to_registry")).lower())),
    ]
    keys = numeric_keys(model.charted)
    body = (
        f"<h1>{esc(summary.name)}</h1><p>{tags(summary.tags)}</p>"
        + (f'<p class="description">{esc(summary.description)}</p>' if summary.description else "")
        + fields(field_pairs)
        + _charts(model.charted, keys)
        + "<h2>Versions</h2>"
        + _version_table(model.versions)
        + _unlisted(model)
        + "<h2>Stage timeline</h2>"
        + _timeline(summary.name, model.events)
        + "<h2>History</h2>"
        + _history(summary.name, model.events)
    )
    return page(summary.name, paths.UP_FROM_MODEL, [(None, summary.name)], body)


def _holder(number: int | None) -> str:
    if number is None:
        return DASH
    return link(f"{number}.html", f"version {number}")


def _charts(rows: Sequence[ChartRow], keys: list[str]) -> str:
    if not keys:
        return ""
    charts = "".join(chart(key, rows, lambda row: f"{row.number}.html") for key in keys)
    return f'<h2>Metadata across versions</h2><div class="charts">{charts}</div>'


def _version_table(rows: Sequence[VersionRow]) -> str:
    if not rows:
        return '<p class="empty">No versions yet.</p>'
    keys = sorted({key for row in rows for key in row.metadata})
    headers = ["#", "Name", "Stage", "Created", "By", "Tags", *keys]
    body = [
        [
            esc(row.number),
            link(f"{row.number}.html", row.name),
            badge(row.stage),
            when(row.created),
            esc(row.created_by),
            tags(row.tags),
            *(esc(value_text(row.metadata[k], 60)) if k in row.metadata else "" for k in keys),
        ]
        for row in reversed(rows)
    ]
    return table(headers, body, "versions")


def _unlisted(model: ModelDetail) -> str:
    """The line under a table that leaves versions out (``data.MODEL_PAGE_VERSIONS``)."""
    if not model.unlisted:
        return ""
    oldest = model.numbers[0]
    return (
        f'<p class="muted" id="unlisted">{model.unlisted} more version(s) not listed: this '
        f"table shows the newest {data.MODEL_PAGE_VERSIONS} and the "
        "stage holders. Every version has its own page, linked from its neighbours (from "
        f"{link(f'{oldest}.html', f'version {oldest}')}) and from the charts.</p>"
    )


def _version_link(model: str, number: int | None, name: str | None) -> str:
    if number is None:
        return DASH
    if type(number) is not int:  # a hand-edited history line: show it, never link to it
        return esc(_version_label(number, name))
    return link(f"{number}.html", _version_label(number, name))


def _timeline(model: str, events: list[Event]) -> str:
    terms = tenures(events)
    if not terms:
        return '<p class="empty">No version has held staging or production yet.</p>'
    rows = [
        [
            badge(term.stage),
            _version_link(model, term.version, term.version_name),
            when(term.start),
            when(term.end) if term.end else "<strong>now</strong>",
            esc(term.promoted_by),
            esc(term.message),
            esc(term.ended_by),
        ]
        for term in terms
    ]
    headers = ("Stage", "Version", "From", "Until", "Promoted by", "Message", "Ended by")
    return table(headers, rows, "timeline")


def _history(model: str, events: list[Event]) -> str:
    if not events:
        return '<p class="empty">No events recorded.</p>'
    rows = [
        [
            esc(event.seq),
            when(event.time),
            esc(event.actor),
            esc(event.event),
            _version_link(model, event.version, event.version_name),
            f"{esc(value_text(event.from_))} \u2192 {esc(value_text(event.to))}",
            "" if event.archived is None else esc(f"v{event.archived}"),
            esc(event.message),
            esc(event.ci_run),
        ]
        for event in reversed(events)
    ]
    headers = ("#", "Time", "Actor", "Event", "Version", "Change", "Archived", "Message", "CI run")
    return table(headers, rows, "history")


# ------------------------------------------------------------------------------- version
def version_page(detail: VersionDetail, previous: int | None, following: int | None) -> str:
    row, model = detail.version, detail.model
    run_names = {run.id: run.name for run in detail.runs if not run.missing}
    producing = DASH
    if row.producing_run:
        producing = _run_ref(row.producing_run, run_names)
    pairs = [
        ("number", esc(row.number)),
        ("name", esc(row.name)),
        ("stage", badge(row.stage)),
        ("tags", tags(row.tags) or DASH),
        ("created", when(row.created)),
        ("created by", esc(row.created_by)),
        ("producing run", producing),
        ("from a failed run", "yes" if row.from_failed_run else "no"),
        ("id", f'<span class="hash">{esc(row.id)}</span>'),
    ]
    steps = []
    if previous is not None:
        steps.append(link(f"{previous}.html", f"\u2190 version {previous}"))
    if following is not None:
        steps.append(link(f"{following}.html", f"version {following} \u2192"))
    body = (
        f"<h1>{esc(model)} \u00b7 {esc(_version_title(row))} {badge(row.stage)}</h1>"
        + (f'<p class="description">{esc(row.description)}</p>' if row.description else "")
        + (f'<p class="steps">{SEP.join(steps)}</p>' if steps else "")
        + fields(pairs)
        + "<h2>Metadata</h2>"
        + _metadata(row)
        + "<h2>Artifacts</h2>"
        + _artifacts(detail.artifacts, run_names)
        + "<h2>Runs</h2>"
        + _runs(detail.runs)
    )
    crumbs = [(paths.INDEX, model), (None, f"version {row.number}")]
    return page(f"{model} version {row.number}", paths.UP_FROM_MODEL, crumbs, body)


def _metadata(row: VersionRow) -> str:
    if not row.metadata:
        return '<p class="empty">No metadata.</p>'
    rows = [[esc(key), esc(value_text(row.metadata[key]))] for key in sorted(row.metadata)]
    return table(("Key", "Value"), rows, "metadata")


def _artifacts(items: list[ArtifactView], run_names: dict[str, str]) -> str:
    if not items:
        return '<p class="empty">No linked artifacts.</p>'
    rows = []
    for item in items:
        if item.missing:
            missing = '<span class="error">missing (see zenml doctor)</span>'
            rows.append([esc(item.kind), esc(item.name), esc(item.version), missing, "", "", ""])
            continue
        produced = DASH
        if item.producing_run:
            produced = _run_ref(item.producing_run, run_names, item.producing_run_name)
            if item.producing_step:
                produced += f' <span class="muted">step</span> {esc(item.producing_step)}'
        rows.append(
            [
                esc(item.kind),
                esc(item.name),
                esc(item.version),
                esc(item.type),
                f'<span title="{esc(item.size)} bytes">{esc(size_text(item.size))}</span>',
                f'<span class="hash">{esc(item.sha256)}</span>',
                produced,
            ]
        )
    headers = ("Kind", "Name", "Version", "Type", "Size", "SHA-256", "Produced by")
    return table(headers, rows, "artifacts")


def _runs(runs: list[RunView]) -> str:
    if not runs:
        return '<p class="empty">No pipeline runs.</p>'
    return "".join(_run(run) for run in runs)


def _run(run: RunView) -> str:
    anchor = _anchor(run.id)
    if run.missing:
        return (
            f'<section class="run" id="{anchor}"><h3>{esc(run.id)}</h3>'
            '<p class="error">run manifest missing (see zenml doctor)</p></section>'
        )
    pairs = [
        ("pipeline", esc(run.pipeline)),
        ("started", when(run.start_time)),
        ("ended", when(run.end_time) if run.end_time else DASH),
        ("by", esc(run.created_by)),
        ("id", f'<span class="hash">{esc(run.id)}</span>'),
    ]
    if run.error:
        pairs.append(("error", f'<span class="error">{esc(run.error)}</span>'))
    steps = [
        [
            esc(step.name),
            status_badge(step.status),
            when(step.start_time),
            when(step.end_time),
            esc(", ".join(step.outputs)),
            f'<span class="error">{esc(step.error)}</span>' if step.error else "",
        ]
        for step in run.steps
    ]
    step_table = (
        table(("Step", "Status", "Started", "Ended", "Outputs", "Error"), steps, "steps")
        if steps
        else '<p class="empty">No steps recorded.</p>'
    )
    return (
        f'<section class="run" id="{anchor}"><h3>{esc(run.name)} {status_badge(run.status)}</h3>'
        + fields(pairs)
        + step_table
        + "</section>"
    )


def _run_ref(run_id: str, on_page: dict[str, str], name: str | None = None) -> str:
    if run_id in on_page:
        return link(f"#{_anchor(run_id)}", on_page[run_id])
    return esc(name or run_id)


def _anchor(run_id: str) -> str:
    return "run-" + hashlib.sha256(run_id.encode("utf-8")).hexdigest()[:12]


def _version_label(number: int, name: str | None) -> str:
    return f"v{number}" if not name or name == str(number) else f"v{number} ({name})"


def _version_title(row: VersionRow) -> str:
    suffix = "" if row.name == str(row.number) else f" ({row.name})"
    return f"version {row.number}{suffix}"
