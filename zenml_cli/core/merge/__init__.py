"""``zenml resolve``'s planner: three ``.zenml/`` trees in, the merged tree out.

Pure: it takes the files of the merge base, ours and theirs (paths relative to ``.zenml/``,
as ``store/git/tree.py`` reads them from git) and returns the merged files; the registry
layer writes and stages them. One side keeps its numbers (``keep``: the side that is or holds
the default branch's tip, whichever side git calls ours), the other side's registry writes are
re-planned on top of it (see ``core/merge/models.py`` and ``core/merge/artifacts.py``).
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

from zenml_cli.core.merge.artifacts import (
    merge_artifact,
    merge_runs,
    rewrite_links,
    rewrite_run,
)
from zenml_cli.core.merge.models import MergedModel, merge_model
from zenml_cli.core.merge.renames import ModelPair, pair_models
from zenml_cli.core.merge.report import MergeReport, Moved, Note
from zenml_cli.core.merge.state import Files, ModelSide, Side, manifest_format, read_side
from zenml_cli.store import codec
from zenml_cli.store.layout import ARTIFACT_RETIRED_FILE

__all__ = ["MergeReport", "Moved", "Note", "merge_stores"]


def merge_stores(
    base: Files,
    ours: Files,
    theirs: Files,
    *,
    keep_theirs: bool,
    report: MergeReport,
    lineage: tuple[bool, bool] = (True, True),
) -> Files:
    """The merged ``.zenml/`` files. ``keep_theirs``: theirs keeps its numbers and ours'
    writes are re-planned (merging the default branch into a feature branch). ``lineage``:
    whether ours and theirs descend from the base (ours does not after a cherry-pick)."""
    fmt = manifest_format(ours or theirs)
    keep_files, other_files = (theirs, ours) if keep_theirs else (ours, theirs)
    lineage = (lineage[1], lineage[0]) if keep_theirs else lineage
    b, k, o = read_side(base, fmt), read_side(keep_files, fmt), read_side(other_files, fmt)
    report.kept_numbers = "theirs" if keep_theirs else "ours"
    out: Files = _other_files(b, k, o)
    ext = "." + fmt
    artifact_versions: dict[str, dict[str, str]] = {}
    for name in sorted({*k.artifacts, *o.artifacts, *k.artifact_retired, *o.artifact_retired}):
        k_gone, o_gone = k.artifact_retired.get(name, {}), o.artifact_retired.get(name, {})
        merged, final, gone = merge_artifact(
            name,
            b.artifacts.get(name, {}),
            k.artifacts.get(name, {}),
            o.artifacts.get(name, {}),
            report,
            (k_gone, o_gone),
        )
        artifact_versions[name] = final
        if gone:
            path = f"artifacts/{name}/{ARTIFACT_RETIRED_FILE}"
            out[path] = _retired_bytes(k.raw.get(path, b""), k_gone, gone)
        for version, data in merged.items():
            path = f"artifacts/{name}/{version}{ext}"
            out[path] = _bytes(k, path, data, fmt)
    model_numbers: dict[str, dict[str, int]] = {}
    links = {m.id: m.new for m in report.moved if m.kind == "artifact version"}
    aliases: dict[str, dict[str, int]] = {}
    for pair in pair_models(b, k, o, report):
        merged_model = _merge_one(pair, b, k, o, report, lineage)
        if merged_model is None:
            continue
        if isinstance(merged_model, ModelSide):
            mine = pair.keep is not None and k.models.get(pair.keep) is merged_model
            source, folder = (k, pair.keep) if mine else (o, pair.other)
            out.update(
                _side_files(pair.name, folder or pair.name, merged_model, source, ext, links)
            )
            numbers = merged_model.ids()
        else:
            numbers = merged_model.numbers
            out.update(_model_files(pair, merged_model, k, ext, fmt, links))
        model_numbers[pair.name] = numbers
        aliases.update(dict.fromkeys(pair.names(), numbers))
    for alias, numbers in aliases.items():  # a run written before a rename names the old name
        model_numbers.setdefault(alias, numbers)
    for run_id, data in merge_runs(b.runs, k.runs, o.runs, report).items():
        path = f"runs/{run_id}{ext}"
        out[path] = _bytes(k, path, rewrite_run(data, model_numbers, artifact_versions), fmt)
    return out


def _merge_one(
    pair: ModelPair, b: Side, k: Side, o: Side, report: MergeReport, lineage: tuple[bool, bool]
) -> MergedModel | ModelSide | None:
    """The merged model; one side's model as is when only it has the model; None when a
    side deleted it since the base (the deletion wins, and is reported). The sides' models
    are matched by id (``pair``), so a rename on one side is never taken for a deletion."""
    mine, theirs, was = (
        side.models.get(folder) if folder is not None else None
        for side, folder in ((k, pair.keep), (o, pair.other), (b, pair.base))
    )
    name = pair.name
    present = [side for side in (mine, theirs) if side is not None and side.record is not None]
    if was is not None and was.record is not None and len(present) < 2:
        renamed = f" (renamed to '{name}' on the other)" if name != pair.base else ""
        report.note(
            "deleted", f"models/{pair.base}", f"deleted on one side{renamed}; the deletion stands"
        )
        return None
    if mine is None or mine.record is None:
        return theirs if theirs is not None and theirs.record is not None else None
    if theirs is None or theirs.record is None:
        return mine
    return merge_model(name, was, mine, theirs, report, lineage)


def _other_files(b: Side, k: Side, o: Side) -> Files:
    """Config and git files: a file only ``other`` changed since the base is taken from it,
    anything else stays as ``keep`` has it."""
    out = dict(k.other)
    for path, raw in o.other.items():
        if k.other.get(path) == b.other.get(path):
            out[path] = raw
    for path in [p for p in out if p in b.other and p not in o.other and out[p] == b.other[p]]:
        del out[path]
    return out


def _model_files(
    pair: ModelPair, merged: MergedModel, k: Side, ext: str, fmt: str, links: dict[str, str]
) -> Files:
    """The merged model's files under its merged name (keep's bytes read from keep's folder,
    which a rename on the other side leaves behind)."""
    folder = f"models/{pair.name}"
    files: Files = {}
    assert pair.keep is not None  # noqa: S101 - merged models are on both sides
    mine = k.models[pair.keep]
    manifest = merged.record.to_manifest()
    unchanged_model = mine.record is not None and mine.record.to_manifest() == manifest
    files[f"{folder}/model{ext}"] = (
        mine.raw_model if unchanged_model and mine.raw_model else codec.encode(manifest, fmt)
    )
    for number, value in merged.versions.items():
        path = f"{folder}/versions/{number}{ext}"
        if isinstance(value, bytes) and not _names_any(value, links):
            files[path] = value  # one side's file as it is
            continue
        files[path] = codec.encode(rewrite_links(merged.data(number), links), fmt)
    history_path = f"{folder}/history.jsonl"
    kept_history = k.raw.get(f"models/{pair.keep}/history.jsonl")
    if merged.history and (merged.history_changed or kept_history is None):
        files[history_path] = _history_bytes(merged, kept_history)
    elif kept_history is not None:
        files[history_path] = kept_history
    return files


def _side_files(
    name: str, folder: str, model: ModelSide, side: Side, ext: str, links: dict[str, str]
) -> Files:
    """A model only one side has, as that side has it in ``models/<folder>/`` (links
    rewritten if an artifact moved), under ``models/<name>/``."""
    source, target = f"models/{folder}/", f"models/{name}/"
    found = chain(side.raw.items(), side.other.items())
    files = {target + p[len(source) :]: raw for p, raw in found if p.startswith(source)}
    for number, raw in model.versions.raw.items():
        if _names_any(raw, links):
            rewritten = rewrite_links(model.versions[number], links)
            files[f"{target}versions/{number}{ext}"] = codec.encode(rewritten, side.fmt)
    return files


def _names_any(raw: bytes, ids: dict[str, str]) -> bool:
    """True when a manifest's bytes mention one of ``ids`` (then it is decoded and checked)."""
    return bool(ids) and any(version_id.encode() in raw for version_id in ids)


def _retired_bytes(kept: bytes, k_gone: dict[str, Any], gone: dict[str, Any]) -> bytes:
    """``keep``'s deleted-versions lines as they are, then the other side's new ones."""
    if kept and not kept.endswith(b"\n"):
        kept += b"\n"
    added = [json.dumps(line) + "\n" for version, line in gone.items() if version not in k_gone]
    return kept + "".join(added).encode("utf-8")


def _history_bytes(merged: MergedModel, kept: bytes | None) -> bytes:
    """``keep``'s history as it is (when already in sequence) plus ``other``'s events, so a
    merge that collided nowhere leaves the lines git merged byte for byte."""
    events = merged.history
    head = b""
    if merged.keep_verbatim is not None and kept is not None:
        head = kept if kept.endswith(b"\n") or not kept else kept + b"\n"
        events = events[merged.keep_verbatim :]
    lines = [json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in events]
    return head + "".join(lines).encode("utf-8")


def _bytes(k: Side, path: str, data: dict[str, Any], fmt: str) -> bytes:
    """``keep``'s own bytes when the manifest is ``keep``'s, unchanged (no churn), else the
    encoding (the merge hands back the very dict it read when nothing changed)."""
    if k.decoded.get(path) is data:
        return k.raw[path]
    return codec.encode(data, fmt)
