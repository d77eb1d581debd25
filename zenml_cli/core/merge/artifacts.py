"""Merging artifact versions and runs.

Artifact versions are numbered per name, so two branches' pipelines collide on the same
``artifacts/<name>/<n>.yaml`` exactly as model versions do, and resolve the same way: matched
by id, ``keep``'s stay, a new one of ``other`` on a taken version gets the next free number
(a named one: ``<name>-<n>``). Runs have fresh uuids and never collide: they merge key by key,
and their references to renumbered model and artifact versions are rewritten by id.
"""

from __future__ import annotations

from typing import Any

from zenml_cli.core.merge.keys import merge_keys
from zenml_cli.core.merge.report import MergeReport, Moved
from zenml_cli.digits import is_number_text

Versions = dict[str, dict[str, Any]]


def merge_artifact(
    name: str,
    base: Versions,
    keep: Versions,
    other: Versions,
    report: MergeReport,
    retired: tuple[Versions, Versions] = ({}, {}),
) -> tuple[Versions, dict[str, str], Versions]:
    """The merged versions of artifact ``name`` (version -> manifest), id -> final version
    for every version of it, and the merged deleted versions (``retired``: keep's, other's)."""
    k_gone, o_gone = retired
    k_ids = {data["id"]: v for v, data in keep.items() if isinstance(data.get("id"), str)}
    o_ids = {data["id"]: v for v, data in other.items() if isinstance(data.get("id"), str)}
    b_ids = {data["id"]: v for v, data in base.items() if isinstance(data.get("id"), str)}
    deleted = {i for i in b_ids if i not in k_ids or i not in o_ids}
    deleted |= {str(line.get("id")) for line in (*k_gone.values(), *o_gone.values())}
    merged: Versions = {}
    for version_id, version in k_ids.items():
        if version_id in deleted:
            continue
        merged[version] = keep[version]
        if version_id in o_ids and other[o_ids[version_id]] != keep[version]:
            was = base.get(b_ids[version_id]) if version_id in b_ids else None
            data, clashes = merge_keys(was, keep[version], other[o_ids[version_id]])
            merged[version] = data
            for key in clashes:
                report.note(
                    "clash",
                    f"artifacts/{name}/{version}",
                    f"both sides changed '{key}'; {report.kept_numbers} kept",
                )
    highest = max((_number(v) for v in [*keep, *other, *k_gone, *o_gone]), default=0)
    final = {i: v for i, v in k_ids.items() if i not in deleted}
    gone = dict(k_gone)
    for version_id, version in sorted(o_ids.items(), key=lambda item: _sort_key(item[1])):
        if version_id in k_ids or version_id in b_ids or version_id in deleted:
            continue
        data = other[version]
        if version in merged or version in gone:
            highest += 1
            new = str(highest) if is_number_text(version) else f"{version}-{highest}"
            report.moved.append(Moved("artifact version", name, version_id, version, new))
            data = {**data, "version": new, "number": highest}
            version = new
        merged[version] = data
        final[version_id] = version
    for version, line in sorted(o_gone.items(), key=lambda item: _sort_key(item[0])):
        if version in gone and gone[version].get("id") == line.get("id"):
            continue
        if version in gone or version in merged:  # deleted on their branch, number taken here
            highest += 1
            version = str(highest) if is_number_text(version) else f"{version}-{highest}"
            line = {**line, "version": version, "number": highest}
        gone[version] = line
    return merged, final, gone


def _number(version: str) -> int:
    return int(version) if is_number_text(version) else 0


def _sort_key(version: str) -> tuple[int, str]:
    return (_number(version), version)


def rewrite_links(data: dict[str, Any], artifact_versions: dict[str, str]) -> dict[str, Any]:
    """A model version manifest whose artifact links name each artifact version's final
    version (by id); the same dict when nothing changes."""
    links = data.get("artifacts")
    if not isinstance(links, dict) or not artifact_versions:
        return data
    changed = False
    new_links: dict[str, Any] = {}
    for kind, items in links.items():
        new_items = []
        for item in items if isinstance(items, list) else []:
            target = artifact_versions.get(str(item.get("id"))) if isinstance(item, dict) else None
            if target is not None and item.get("version") != target:
                item = {**item, "version": target}
                changed = True
            new_items.append(item)
        new_links[kind] = new_items if isinstance(items, list) else items
    return {**data, "artifacts": new_links} if changed else data


def merge_runs(base: Versions, keep: Versions, other: Versions, report: MergeReport) -> Versions:
    """Runs by id: one side's run is taken whole, a run both changed merges key by key, and a
    run deleted on either side since the base stays deleted."""
    merged: Versions = {}
    for run_id in sorted({*keep, *other}):
        if run_id in base and (run_id not in keep or run_id not in other):
            continue
        mine, theirs = keep.get(run_id), other.get(run_id)
        if mine is None or theirs is None or mine == theirs:
            merged[run_id] = mine if mine is not None else theirs  # type: ignore[assignment]
            continue
        data, clashes = merge_keys(base.get(run_id), mine, theirs)
        merged[run_id] = data
        for key in clashes:
            report.note(
                "clash", f"runs/{run_id}", f"both sides changed '{key}'; {report.kept_numbers} kept"
            )
    return merged


def rewrite_run(
    data: dict[str, Any],
    model_numbers: dict[str, dict[str, int]],
    artifact_versions: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """A run manifest whose references name their versions' final numbers (by id)."""
    changed = False

    def model_ref(ref: Any) -> Any:
        nonlocal changed
        if not isinstance(ref, dict):
            return ref
        number = model_numbers.get(str(ref.get("model")), {}).get(str(ref.get("id")))
        if number is None or ref.get("number") == number:
            return ref
        changed = True
        new = {**ref, "number": number}
        if "name" in ref and ref["name"] == str(ref.get("number")):
            new["name"] = str(number)
        return new

    def output(ref: Any) -> Any:
        nonlocal changed
        if not isinstance(ref, dict):
            return ref
        version = artifact_versions.get(str(ref.get("name")), {}).get(str(ref.get("id")))
        if version is None or ref.get("version") == version:
            return ref
        changed = True
        return {**ref, "version": version}

    versions = [model_ref(ref) for ref in data.get("model_versions") or []]
    steps = []
    for step in data.get("steps") or []:
        if isinstance(step, dict):
            outputs = step.get("outputs")
            step = {
                **step,
                "model_version": model_ref(step.get("model_version")),
                "outputs": {k: output(v) for k, v in outputs.items()}
                if isinstance(outputs, dict)
                else outputs,
            }
        steps.append(step)
    if not changed:
        return data
    return {**data, "model_versions": versions, "steps": steps}
