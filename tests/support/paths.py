"""Where the repository is, for suites that read its README, examples or action."""

from __future__ import annotations

from pathlib import Path

#: The repository's root (this file is tests/support/paths.py).
REPO_ROOT = Path(__file__).resolve().parents[2]
