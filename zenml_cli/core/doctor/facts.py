"""What ``zenml doctor`` learns from one version file alone, and how it is cached.

Doctor's checks split in two. Everything that depends only on a version file's name and bytes
(does it parse, does its number match its file name, is its name allowed, which artifact
versions does it link) becomes a ``VersionFacts``. Everything that compares files (stage
holders, retired numbers, ids, shared names, history replay, links to artifacts) is computed
from the facts of every file, on every run. So a cache of facts keyed by each file's exact
bytes (``store/doctor_cache.py``) can skip the parsing of files that did not change without
skipping any check: a run with the cache and a run without it compute the same problems in
the same order, because both go through ``facts_of`` and the same cross-file code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zenml_cli.core.names import check_name
from zenml_cli.core.records import ModelVersionRecord
from zenml_cli.core.refs import is_number_text, stage_word
from zenml_cli.core.versions import number_mismatch
from zenml_cli.errors import CorruptManifestError, InvalidInputError

if TYPE_CHECKING:
    from zenml_cli.store.doctor_cache import DoctorCache

#: One artifact link: (link kind, artifact name, artifact version, linked id).
Link = tuple[str, str, str, str]

#: Bumped whenever what a fact holds, or a per-file check, changes: older caches are dropped.
FACTS_VERSION = 1


@dataclass(frozen=True)
class VersionFacts:
    """``broken``: the file cannot count as a version (it does not parse, or its number is
    not its file name's), with ``(path, problem)`` of each reason; otherwise ``number``,
    ``id``, ``name``, the problems of its name and its links."""

    broken: tuple[tuple[str, str], ...] = ()
    number: int = 0
    id: str = ""
    name: str = ""
    name_problems: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()

    def to_json(self) -> list[Any]:
        """A list for JSON; just ``[number, id, name]`` for the usual, spotless file."""
        if not (self.broken or self.name_problems or self.links):
            return [self.number, self.id, self.name]
        return [
            [list(p) for p in self.broken],
            self.number,
            self.id,
            self.name,
            list(self.name_problems),
            [list(link) for link in self.links],
        ]

    @classmethod
    def from_json(cls, value: object) -> VersionFacts | None:
        """The facts ``to_json`` wrote, or None for anything else (a corrupt or planted
        cache entry is a miss, never an error and never trusted)."""
        if type(value) is not list:
            return None
        if len(value) == 3:
            number, version_id, name = value
            if type(number) is int and type(version_id) is str and type(name) is str:
                return cls(number=number, id=version_id, name=name)
            return None
        if len(value) != 6:
            return None
        broken, number, version_id, name, name_problems, links = value
        if not (
            _rows(broken, 2)
            and type(number) is int
            and isinstance(version_id, str)
            and isinstance(name, str)
            and isinstance(name_problems, list)
            and all(isinstance(p, str) for p in name_problems)
            and _rows(links, 4)
        ):
            return None
        return cls(
            tuple((p[0], p[1]) for p in broken),
            number,
            version_id,
            name,
            tuple(name_problems),
            tuple((k, n, v, i) for k, n, v, i in links),
        )


def _rows(value: object, width: int) -> bool:
    return isinstance(value, list) and all(
        isinstance(row, list) and len(row) == width and all(isinstance(x, str) for x in row)
        for row in value
    )


def facts_of(model: str, number: int, path: str, data: dict[str, Any]) -> VersionFacts:
    """The facts of the decoded file of version ``number`` (from its file name) at ``path``."""
    try:
        version = ModelVersionRecord.from_manifest(model, data, path)
    except CorruptManifestError as exc:
        return VersionFacts(broken=((exc.path, exc.problem),))
    if version.number != number:
        return VersionFacts(broken=((path, number_mismatch(version.number, number)),))
    links = tuple(
        (kind.value, link.name, link.version, link.id)
        for kind, kind_links in version.artifacts.items()
        for link in kind_links
    )
    return VersionFacts(
        number=version.number,
        id=version.id,
        name=version.name,
        name_problems=tuple(_name_problems(version)),
        links=links,
    )


def _name_problems(version: ModelVersionRecord) -> list[str]:
    try:
        check_name(version.name, "version name")
    except InvalidInputError as exc:
        return [str(exc)]
    problems = []
    if is_number_text(version.name) and version.name != str(version.number):
        problems.append(f"name '{version.name}' is a number other than its own")
    if stage_word(version.name) is not None:
        problems.append(f"name '{version.name}' is a stage word")
    return problems


def read_facts(
    cache: DoctorCache, model: str, entry: str, number: int, path: str
) -> VersionFacts | None:
    """The facts of one version file: from the cache when its bytes were checked before,
    else parsed and checked now (and remembered). None when the file is gone (deleted while
    doctor ran); a file that cannot be read is broken."""
    try:
        read = cache.read_version(model, entry, path)
    except FileNotFoundError:
        return None
    except CorruptManifestError as exc:
        return VersionFacts(broken=((exc.path, exc.problem),))
    facts = VersionFacts.from_json(read.cached) if read.cached is not None else None
    if facts is None:
        try:
            data = cache.decode(read.raw, path)
        except CorruptManifestError as exc:
            facts = VersionFacts(broken=((exc.path, exc.problem),))
        else:
            facts = facts_of(model, number, path, data)
        cache.remember(read.key, facts.to_json())
    return facts
