"""``zenml doctor``: check every manifest of the store and report each problem by file.

Each check appends Problems instead of raising, so one run lists everything wrong (a git merge
can break several files at once). ``error`` problems make the command exit non-zero;
``warning`` problems are leftovers a crash can legitimately leave behind.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from zenml_cli.core import history, identity
from zenml_cli.core.doctor.facts import VersionFacts, read_facts
from zenml_cli.core.doctor.problems import Check, Problem
from zenml_cli.core.names import check_name, normal_form
from zenml_cli.core.records import ModelRecord
from zenml_cli.core.stages.policies import Policies
from zenml_cli.errors import CorruptManifestError, InvalidInputError
from zenml_cli.store import Store
from zenml_cli.store.doctor_cache import DoctorCache, checker_stamp


@dataclass
class DoctorReport:
    problems: list[Problem]
    checked_files: int

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def run(store: Store, *, payloads: bool = False, use_cache: bool = True) -> DoctorReport:
    """Check the whole store; with ``payloads``, also that every payload an artifact manifest
    names is in the artifact store (RemoteError, exit 8, if the store cannot be reached).
    ``use_cache``: skip parsing version files whose exact bytes were checked before (see
    ``core/doctor/facts.py``); the report is the same either way."""
    store = store.uncached()  # check the files themselves, never the store's read caches
    problems: list[Problem] = []
    checked = 0
    try:
        store.config  # noqa: B018 - parsing the config is the check
        checked += 1
    except CorruptManifestError as exc:
        return DoctorReport([Problem(exc.path, exc.problem)], 1)
    try:  # checked apart from the config: only promotions need them, and they refuse alike
        Policies.from_config(store.config.policies, store.config_source())
    except CorruptManifestError as exc:
        problems.append(Problem(exc.path, exc.problem))
    if not store.has_store_dir():
        return DoctorReport([], 0)
    cache = DoctorCache(store, _checker() if use_cache else "", enabled=use_cache)
    links: list[tuple[str, VersionFacts]] = []
    checked += _check_models(store, problems, cache, links)
    cache.save()
    for leftover in store.temp_leftovers():
        problems.append(
            Problem(
                leftover,
                "leftover temp file of an interrupted write; safe to delete (the next write "
                "to its folder removes it once it is older than lock_timeout)",
                "warning",
            )
        )
    for check in _artifact_and_run_checks(links):
        checked += check(store, problems)
    if payloads:
        from zenml_cli.core.doctor.artifacts import check_payloads

        check_payloads(store, problems)
    return DoctorReport(problems, checked)


def _checker() -> str:
    """Names the code that derives version facts (a cache made by other code is not used)."""
    from zenml_cli import digits, limits
    from zenml_cli.core import manifest_check, names, refs, version_reads, version_records
    from zenml_cli.core.doctor import facts as doctor_facts
    from zenml_cli.store import codec
    from zenml_cli.version import __version__

    modules = [doctor_facts, manifest_check, names, refs, version_reads, version_records]
    modules += [codec, digits, limits]
    files = [str(module.__file__) for module in modules]
    return checker_stamp(f"{__version__}/{doctor_facts.FACTS_VERSION}", files)


def _artifact_and_run_checks(version_links: list[tuple[str, VersionFacts]]) -> list[Check]:
    # Imported on use: only `zenml doctor` needs them, and every other command starts faster.
    from zenml_cli.core import artifacts, runs
    from zenml_cli.core.doctor import links as link_checks
    from zenml_cli.core.doctor import payloads as payload_checks

    return [
        artifacts.check_artifacts,
        runs.check_runs,
        lambda store, problems: link_checks.check_link_facts(store, version_links, problems),
        payload_checks.check_files_from_git,
        payload_checks.check_store_options,
        payload_checks.check_store_accepted,
    ]


def _check_models(
    store: Store,
    problems: list[Problem],
    cache: DoctorCache,
    links: list[tuple[str, VersionFacts]],
) -> int:
    checked = 0
    folded: dict[str, list[str]] = defaultdict(list)
    ids: dict[str, list[str]] = defaultdict(list)
    try:
        names = sorted(store.model_names())
    except CorruptManifestError as exc:  # models/ is a link: none of it is read
        problems.append(Problem(exc.path, exc.problem))
        return 0
    for name in names:
        folded[normal_form(name).casefold()].append(name)
        checked += _check_model(store, name, problems, ids, cache, links)
    for found_id, sources in ids.items():
        if len(sources) > 1:
            problems.append(
                Problem(
                    sources[1],
                    f"id {found_id} is also the id of {', '.join(sources[:1] + sources[2:])} "
                    "(a copied folder?); ids must be unique: give the copy new ids",
                )
            )
    for names in folded.values():
        if len(names) > 1:
            problems.append(
                Problem(
                    store.models_source(),
                    f"models {', '.join(names)} differ only in case (names must be unique "
                    "ignoring case); rename or delete all but one",
                )
            )
    return checked


def _check_model(
    store: Store,
    name: str,
    problems: list[Problem],
    ids: dict[str, list[str]],
    cache: DoctorCache,
    links: list[tuple[str, VersionFacts]],
) -> int:
    folder = store.model_folder_source(name)
    try:
        if check_name(name, "model name") != name:
            problems.append(Problem(folder, "model name is not in Unicode NFC; rename it"))
    except InvalidInputError as exc:
        problems.append(Problem(folder, str(exc)))
    try:
        manifest = store.read_model(name)
        if manifest is None:
            problems.append(Problem(folder, "model folder has no model manifest"))
            return 0
        record = ModelRecord.from_manifest(name, manifest.data, manifest.source)
    except CorruptManifestError as exc:
        problems.append(Problem(exc.path, exc.problem))
        return 1
    ids[record.id].append(manifest.source)
    versions = _check_versions(store, record, problems, cache)
    prefix, ext = cache.folder_prefix(name), store.layout.ext
    for number, version in versions.items():
        source = f"{prefix}{number}{ext}"  # store.version_source, without a Path per file
        ids[version.id].append(source)
        if version.links:
            links.append((source, version))
    _check_stage_holders(store, record, versions, problems)
    live_ids = {n: v.id for n, v in versions.items()}
    identity.check_model(store, record, live_ids, problems)
    _check_history(store, record, problems, live_ids)
    return 1 + len(versions)


def _check_history(
    store: Store, model: ModelRecord, problems: list[Problem], live_ids: dict[int, str]
) -> None:
    """History is the journal of model.yaml's stage holders: replayed in sequence order it must
    name the holders model.yaml names (an interrupted write, or a merge resolved for one side
    of model.yaml, breaks this), and no two different events may share a sequence number."""
    try:
        events = history.read(store, model.name)
    except CorruptManifestError as exc:
        problems.append(Problem(exc.path, exc.problem))
        return
    source = store.history_source(model.name)
    identity.check_history(model, events, live_ids, source, problems)
    by_seq: dict[int, int] = defaultdict(int)
    for event in events:
        by_seq[event.seq] += 1
    shared = sorted(seq for seq, count in by_seq.items() if count > 1)
    if shared:
        problems.append(
            Problem(
                source,
                f"different events share sequence number(s) {', '.join(map(str, shared))} "
                "(two branches merged by union?); the order is ambiguous: run 'zenml resolve' "
                "in the merge (it replays one branch's events after the other's)",
            )
        )
    _check_unfulfilled(store, model, events, live_ids, problems)
    if not any(event.event in ("stage", "delete") for event in events):
        return  # nothing recorded to compare (a store written by hand or before history)
    held = {"staging": model.stages.staging, "production": model.stages.production}
    replayed = history.holders_at(events)
    if replayed == held:
        return
    # Only the last event missing from model.yaml: the signature of a write interrupted between
    # its event and model.yaml (events go first), which the next write reconciles.
    ordered = history.replay_order(events)
    interrupted = history.holders_at(ordered[:-1]) == held
    for stage in ("staging", "production"):
        if replayed[stage] == held[stage]:
            continue
        if interrupted:
            problems.append(
                Problem(
                    source,
                    f"the last event (seq {ordered[-1].seq}) gives {stage} to "
                    f"{_holder(replayed[stage])} but {store.model_source(model.name)} says "
                    f"{_holder(held[stage])}: a write was interrupted (or a merge kept "
                    "model.yaml's side); the next stage change records model.yaml's holders",
                    "warning",
                )
            )
            continue
        problems.append(
            Problem(
                source,
                f"history says {stage} is held by {_holder(replayed[stage])} but "
                f"{store.model_source(model.name)} says {_holder(held[stage])} (a merge "
                "resolved for one side?); promote the right version again to record it",
            )
        )


def _check_unfulfilled(
    store: Store,
    model: ModelRecord,
    events: list[history.HistoryEvent],
    live_ids: dict[int, str],
    problems: list[Problem],
) -> None:
    """A delete of a version that still exists and is not retired, or the last rename of the
    model when the model still has its old name, claims what did not happen. Right after it a
    ``reconcile`` event supersedes it (what the next write appends); as for a stage event, a
    warning when it is the last event (the next write reconciles it), an error otherwise."""
    ordered = history.replay_order(events)
    renames = [e for e in ordered if e.event == "model_rename"]
    for index, event in enumerate(ordered):
        if event.event == "delete":
            number, wanted = event.version, event.version_id
            if number not in live_ids or wanted not in (None, live_ids[number]):
                continue  # gone (deleted, or its file removed) or another branch's version
        elif event.event != "model_rename" or event is not renames[-1]:
            continue  # an earlier rename's new name was renamed again since
        why = history.unfulfilled(event, model.name, model.retired_numbers)
        after = ordered[index + 1] if index + 1 < len(ordered) else None
        if why is None or (after is not None and after.event == history.RECONCILE):
            continue
        source = store.history_source(model.name)
        if after is None:
            fix = "the next stage change, delete or rename of this model records that"
            problems.append(Problem(source, f"{why}; {fix}", "warning"))
            continue
        again = (
            f"delete it again ('zenml model version delete {model.name} {event.version}')"
            if event.event == "delete"
            else f"rename it again ('zenml model update {model.name} -n NAME')"
        )
        problems.append(Problem(source, f"{why}, and later events were appended after it; {again}"))


def _holder(number: int | None) -> str:
    return "no version" if number is None else f"version {number}"


def _check_versions(
    store: Store, model: ModelRecord, problems: list[Problem], cache: DoctorCache
) -> dict[int, VersionFacts]:
    """The model's live versions by number, from each file's facts (cached or read now),
    after the checks that compare them with model.yaml and with each other."""
    versions: dict[int, VersionFacts] = {}
    names: dict[str, list[int]] = defaultdict(list)
    folder = cache.folder_prefix(model.name)
    try:
        entries = sorted(store.version_entries(model.name))
    except CorruptManifestError as exc:  # versions/ is a link: none of it is read
        problems.append(Problem(exc.path, exc.problem))
        return versions
    for entry, number in entries:
        path = folder + entry
        if number is None:
            problems.append(Problem(path, "unexpected file (version files are <number>.<format>)"))
            continue
        version = read_facts(cache, model.name, entry, number, path)
        if version is None:  # deleted while doctor ran
            continue
        if version.broken:
            problems.extend(Problem(where, problem) for where, problem in version.broken)
            continue
        if version.number in model.retired_numbers:
            collision = identity.mismatch(model, version.number, version.id)
            if collision is not None:
                problems.append(Problem(path, collision))
                continue
            problems.append(
                Problem(
                    path,
                    f"version {version.number} was deleted but its file remains "
                    "(an interrupted delete); remove the file",
                    "warning",
                )
            )
            continue
        problems.extend(Problem(path, problem) for problem in version.name_problems)
        versions[version.number] = version
        names[version.name].append(version.number)
    for name, numbers in names.items():
        if len(numbers) > 1:
            problems.append(
                Problem(
                    store.versions_source(model.name),
                    f"versions {', '.join(map(str, numbers))} share the name '{name}' "
                    "(after a merge?); rename all but one",
                )
            )
    return versions


def _check_stage_holders(
    store: Store,
    model: ModelRecord,
    versions: dict[int, VersionFacts],
    problems: list[Problem],
) -> None:
    path = store.model_source(model.name)
    holders = model.stages
    named = {"staging": holders.staging, "production": holders.production}
    for stage, number in named.items():
        if number is not None and number not in versions:
            problems.append(
                Problem(
                    path,
                    f"stage '{stage}' is held by missing version {number}; restore its file, "
                    f"or promote another version ('zenml model version update {model.name} N "
                    f"--stage {stage}'), which releases it",
                )
            )
    if holders.staging is not None and holders.staging == holders.production:
        problems.append(
            Problem(path, f"version {holders.staging} holds both staging and production")
        )
    for number in holders.archived:
        if number in named.values():
            problems.append(Problem(path, f"version {number} is archived and also holds a stage"))
        elif number not in versions:
            problems.append(Problem(path, f"archived version {number} does not exist"))
    if len(holders.archived) != len(set(holders.archived)):
        problems.append(Problem(path, "a version is listed twice under archived"))
