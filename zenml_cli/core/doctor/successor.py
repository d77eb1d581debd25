"""``zenml doctor --against REF``: is this store a valid successor of REF's?

A registry in git moves forward by adding: new versions, new history events, new retired
numbers. Whatever REF recorded stays: a version keeps its id and its number, a deleted number
stays retired and is never reused, and history is append-only. A merge, rebase, revert or
``--theirs`` that breaks this is caught here (DESIGN section 11), with REF usually the target
branch of a pull request or ``HEAD`` in the pre-commit hook.

What counts:

- a model is matched by its id (a rename keeps it); a model of REF that is gone is a warning
  (deleting a model is a command, and format 1 keeps no record of it, so it cannot be told
  from a loss);
- a version of REF must be in the successor under the same number with the same id, unless
  its number was retired (deleted) and its file removed; a number retired in REF stays retired
  and holds no file;
- every history event of REF must be in the successor with every field it had (an upgrade may
  add fields; none may change or vanish). Events are compared as whole JSON objects, so fields
  a later format adds are covered without code here;
- an artifact version of REF keeps its id at its version; one that is gone is a warning
  (deleting artifact versions is a command that leaves no record in format 1).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from zenml_cli.core.doctor.problems import Problem
from zenml_cli.store import Store
from zenml_cli.store.git.snapshot import ModelFiles, Snapshot

_FIX_VERSION = "restore REF's file ('git checkout {ref} -- {path}'), or run 'zenml resolve'"


def check(old: Snapshot, new: Snapshot, *, new_unreadable: bool = True) -> list[Problem]:
    """Everything ``new`` lost or changed of ``old``. ``new_unreadable``: also report the
    successor's unreadable files (off when plain doctor already reports them)."""
    problems = [
        Problem(source, f"cannot compare with {old.label}: {why}", "warning")
        for source, why in old.unreadable
    ]
    if new_unreadable:
        problems += [Problem(source, why) for source, why in new.unreadable]
    by_id = {_id(m.manifest.data): m for m in new.models.values() if m.manifest is not None}
    for model in old.models.values():
        if model.manifest is None:
            continue
        match = by_id.get(_id(model.manifest.data))
        if match is None:
            problems.append(_model_gone(old, model))
            continue
        problems += _versions(old.label, model, match)
        problems += _history(old.label, model, match)
    problems += _artifacts(old, new)
    return problems


def _id(data: dict[str, Any]) -> str:
    return str(data.get("id", ""))


def _model_gone(old: Snapshot, model: ModelFiles) -> Problem:
    return Problem(
        model.source,
        f"model '{model.folder}' of {old.label} is gone with its {len(model.versions)} "
        "version(s) and history (deleted, or lost in a merge); if it was not deleted on "
        f"purpose, restore it from {old.label}",
        "warning",
    )


def _retired(data: dict[str, Any]) -> set[int]:
    """Retired numbers, as plain numbers or as records with a ``number`` (a later format may
    keep each retired number with its id, under either key)."""
    found = set()
    listed = data.get("retired_numbers") or data.get("retired") or []
    for item in listed if isinstance(listed, list) else []:
        number = item.get("number") if isinstance(item, dict) else item
        if isinstance(number, int) and not isinstance(number, bool):
            found.add(number)
    return found


def _versions(ref: str, old: ModelFiles, new: ModelFiles) -> list[Problem]:
    assert old.manifest is not None and new.manifest is not None
    problems: list[Problem] = []
    name = new.folder
    new_ids = {_id(v.data): n for n, v in new.versions.items()}
    retired_new = _retired(new.manifest.data)
    for number, version in sorted(old.versions.items()):
        was = _id(version.data)
        now = new.versions.get(number)
        fix = _FIX_VERSION.format(ref=ref, path=version.source.partition(":")[2])
        if now is not None and _id(now.data) != was:
            moved = new_ids.get(was)
            where = f" ({ref}'s version is number {moved} here)" if moved is not None else ""
            problems.append(
                Problem(
                    now.source,
                    f"version {number} of model '{name}' is id {_id(now.data)} here but id "
                    f"{was} in {ref}{where}: a merge or rebase replaced it (--theirs?); a "
                    f"version's id never changes: {fix}",
                )
            )
        elif now is None and was in new_ids:
            problems.append(
                Problem(
                    new.versions[new_ids[was]].source,
                    f"version {number} of model '{name}' in {ref} (id {was}) is number "
                    f"{new_ids[was]} here: a version's number never changes once it is on "
                    f"{ref}; {fix}",
                )
            )
        elif now is None and number not in retired_new:
            problems.append(
                Problem(
                    version.source,
                    f"version {number} of model '{name}' (id {was}) of {ref} is missing here "
                    f"and was not deleted (its number is not retired): lost in a merge? {fix}",
                )
            )
    for number in sorted(retired_new - _retired(old.manifest.data)):
        kept, there = old.versions.get(number), new.versions.get(number)
        if kept is not None and there is not None and _id(kept.data) == _id(there.data):
            problems.append(
                Problem(
                    there.source,
                    f"version {number} of model '{name}' (id {_id(kept.data)}) of {ref} is "
                    f"hidden here: its file is unchanged but its number is retired (a branch "
                    f"that deleted its own version {number} was merged?); remove {number} "
                    f"from retired_numbers (or finish deleting it on purpose)",
                )
            )
    for number in sorted(_retired(old.manifest.data)):
        if number not in retired_new:
            problems.append(
                Problem(
                    new.source,
                    f"number {number} of model '{name}' was deleted (retired) in {ref} but is "
                    f"not retired here: a deleted number is never reused; restore "
                    f"retired_numbers from {ref}",
                )
            )
        elif number in new.versions and number not in old.versions:
            problems.append(
                Problem(
                    new.versions[number].source,
                    f"number {number} of model '{name}' was deleted in {ref} and is reused "
                    f"here by version id {_id(new.versions[number].data)}: give that version "
                    "a new number ('zenml resolve')",
                )
            )
    return problems


def _history(ref: str, old: ModelFiles, new: ModelFiles) -> list[Problem]:
    """Every event of ``old`` must be in ``new`` with each of its fields unchanged."""
    old_events = _events(old.history)
    if not old_events:
        return []
    new_events = _events(new.history)
    unused = Counter(_canonical(event) for event in new_events)
    loose: list[dict[str, Any]] = []
    for event in old_events:  # the common case: the same event, byte for byte
        key = _canonical(event)
        if unused[key] > 0:
            unused[key] -= 1
        else:
            loose.append(event)
    if not loose:
        return []
    spare = []  # events of new that matched none of old exactly: an upgrade may have added
    for event in new_events:  # fields to them
        key = _canonical(event)
        if unused[key] > 0:
            unused[key] -= 1
            spare.append(event)
    missing = [event for event in loose if not _take_superset(event, spare)]
    return [
        Problem(
            new.history_source or old.history_source,
            f"history event {_describe(event)} of {ref} is missing or rewritten here: history "
            "is append-only (a 'git revert' of a promotion removes its event); restore "
            f"{old.history_source.partition(':')[2] or 'history.jsonl'} from {ref} and undo "
            "with a new write (promote the previous holder again, or roll back)",
        )
        for event in missing
    ]


def _events(lines: list[bytes]) -> list[dict[str, Any]]:
    events = []
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # an unparsable line: doctor reports it where it is
        if isinstance(event, dict):
            events.append(event)
    return events


def _canonical(event: dict[str, Any]) -> str:
    return json.dumps(event, sort_keys=True, ensure_ascii=False)


def _take_superset(event: dict[str, Any], pool: list[dict[str, Any]]) -> bool:
    """Remove and report the first event of ``pool`` holding every field of ``event``."""
    for index, candidate in enumerate(pool):
        if all(key in candidate and candidate[key] == value for key, value in event.items()):
            del pool[index]
            return True
    return False


def _describe(event: dict[str, Any]) -> str:
    """``seq 4 (stage: version 3 staging -> production, by ci at 2026-...)``; the whole
    event as JSON when it lacks the usual fields."""
    if "seq" not in event or "event" not in event:
        text = _canonical(event)
        return text if len(text) <= 240 else text[:237] + "..."
    what = str(event["event"])
    if what == "stage":
        what += f": version {event.get('version')} {event.get('from')} -> {event.get('to')}"
    elif "version" in event:
        what += f": version {event.get('version')}"
    return f"seq {event['seq']} ({what}, by {event.get('actor')} at {event.get('time')})"


def _artifacts(old: Snapshot, new: Snapshot) -> list[Problem]:
    problems: list[Problem] = []
    new_ids = {_id(m.data): key for key, m in new.artifacts.items()}
    for key, manifest in sorted(old.artifacts.items()):
        was, now = _id(manifest.data), new.artifacts.get(key)
        label = f"artifact version {key[0]}:{key[1]}"
        if now is not None and _id(now.data) != was:
            problems.append(
                Problem(
                    now.source,
                    f"{label} is id {_id(now.data)} here but id {was} in {old.label}: a merge "
                    "or rebase replaced it; an artifact version's id never changes",
                )
            )
        elif now is None and was in new_ids:
            moved = new_ids[was]
            problems.append(
                Problem(
                    new.artifacts[moved].source,
                    f"{label} of {old.label} (id {was}) is version {moved[1]} here: an "
                    "artifact version's number never changes",
                )
            )
        elif now is None:
            problems.append(
                Problem(
                    manifest.source,
                    f"{label} (id {was}) of {old.label} is gone (deleted, or lost in a merge)",
                    "warning",
                )
            )
    return problems


def check_against(store: Store, ref: str, *, staged: bool = False) -> tuple[list[Problem], int]:
    """``(problems, manifests read)`` of the working store (or with ``staged`` the index) as
    a successor of commit ``ref``'s store. Only the files that differ from ``ref`` are read
    (an unchanged file cannot have lost anything), plus the manifests of their models, plus
    the version files at numbers retired since ``ref`` (an unchanged file can be hidden by a
    retirement that a merge brought in)."""
    from zenml_cli.store.git import ref_store as git_ref_store
    from zenml_cli.store.git import snapshot

    ref_store = git_ref_store.RefStore.of(store.root, ref)

    def read(wanted: set[str]) -> tuple[Snapshot, Snapshot]:
        old = ref_store.snapshot(wanted)
        new = ref_store.staged(wanted) if staged else snapshot.of_store(store.uncached(), wanted)
        return old, new

    wanted = snapshot.with_model_files(ref_store.changed(staged=staged))
    old, new = read(wanted)
    hidden = _newly_retired_files(old, new) - wanted
    if hidden:
        more_old, more_new = read(hidden)
        old.merge(more_old)
        new.merge(more_new)
    return check(old, new, new_unreadable=staged), old.files + new.files


def _newly_retired_files(old: Snapshot, new: Snapshot) -> set[str]:
    """Store-relative paths of the version files at numbers ``new`` retired and ``old`` did
    not, for every model both hold."""
    by_id = {_id(m.manifest.data): m for m in new.models.values() if m.manifest is not None}
    paths = set()
    for model in old.models.values():
        match = by_id.get(_id(model.manifest.data)) if model.manifest is not None else None
        if model.manifest is None or match is None or match.manifest is None:
            continue
        for number in _retired(match.manifest.data) - _retired(model.manifest.data):
            for folder in {model.folder, match.folder}:
                paths |= {f"models/{folder}/versions/{number}{ext}" for ext in (".yaml", ".json")}
    return paths
