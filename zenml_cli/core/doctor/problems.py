"""A problem found in the store by a check: which file, what is wrong, how bad."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zenml_cli.store import Store


@dataclass
class Problem:
    path: str
    problem: str
    severity: str = "error"  # or "warning"

    def to_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "path": self.path, "problem": self.problem}


#: A whole-store check: appends Problems, returns how many manifests it read.
Check = Callable[["Store", list[Problem]], int]
