"""Doctor check: payload files that came through git.

A commit can force-add a file under the git-ignored artifact store or ``.zenml/.cache/``; the
loader never uses such a file (``store/payload_trust.py``), and this check names each one so
that a reviewer or CI sees the attempt (DESIGN section 12).
"""

from __future__ import annotations

from zenml_cli.core.problems import Problem
from zenml_cli.store import Store, payloads


def check_files_from_git(store: Store, problems: list[Problem]) -> int:
    """Each file git tracks under the local artifact store or the cache is an error."""
    for path in payloads.files_from_git(store):
        problems.append(
            Problem(
                str(path),
                "this payload or cache file is committed to git: a checkout wrote it, so it is "
                "never loaded (it could be a planted pickle); remove it from the repository "
                "with 'git rm --cached' and delete it",
            )
        )
    return 0
