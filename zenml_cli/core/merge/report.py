"""What ``zenml resolve`` did: versions that moved, clashes kept for ours, events skipped."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Moved:
    """A version of the side that gives way, renumbered because its number was taken."""

    kind: str  # "model version" | "artifact version"
    name: str  # the model's or the artifact's name
    id: str
    old: str
    new: str


@dataclass
class Note:
    """Something the merge decided that a person should know: a field both sides changed
    (ours kept), a stage event that was not replayed, a deletion that won."""

    kind: str  # "clash" | "skipped" | "deleted"
    path: str
    detail: str


@dataclass
class MergeReport:
    operation: str = ""
    base: str | None = None
    ours: str = ""
    theirs: str = ""
    #: Which side kept its numbers ("ours" or "theirs"): the side holding the default branch.
    kept_numbers: str = "ours"
    moved: list[Moved] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    files_written: int = 0
    files_removed: int = 0
    committed: str | None = None

    def note(self, kind: str, path: str, detail: str) -> None:
        self.notes.append(Note(kind, path, detail))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
