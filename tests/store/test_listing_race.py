"""Issue 18 finding 18: a version listing racing a model rename returned ``items: 0, total: 5``
with exit 0 (the rename moved the folder between listing the version files and reading them,
and the small-folder path read "no file" as "no version"). A listing is complete, or an error.

Real processes: one renames the model back and forth as fast as it can, others list the
versions through the same facade the CLI uses, for a fixed time; every answer is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zenml_cli import Client

from support.running import run_zenml

pytestmark = pytest.mark.slow

SECONDS = 4.0

RENAMER = """
import sys, time
from zenml_cli import Client
client = Client(sys.argv[1])
names, done, end = ("iris", "iris2"), 0, time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    client.update_model(names[done % 2], name=names[(done + 1) % 2])
    done += 1
print(done)
"""

LISTER = """
import json, sys, time
from zenml_cli.errors import ConflictError, NotFoundError
from zenml_cli.registry import Registry
root, end = sys.argv[1], time.monotonic() + float(sys.argv[2])
model = sys.argv[3] if sys.argv[3] != "*" else None
seen = {"complete": 0, "error": 0, "holes": []}
while time.monotonic() < end:
    try:
        page = Registry(root).list_version_dicts(model, size=50)
    except (ConflictError, NotFoundError):
        seen["error"] += 1
        continue
    if len(page.items) == page.total == 5 and not page.problems:
        seen["complete"] += 1
    else:
        seen["holes"].append([len(page.items), page.total])
print(json.dumps(seen))
"""


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def test_a_listing_racing_a_rename_is_complete_or_an_error(project: Path, client: Client) -> None:
    client.create_model("iris")
    for _ in range(5):
        client.create_model_version("iris")
    renamer = _python(RENAMER, str(project), str(SECONDS))
    listers = [_python(LISTER, str(project), str(SECONDS), model) for model in ("*", "iris")]
    results = []
    for proc in listers:
        out, err = proc.communicate(timeout=SECONDS + 60)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    out, err = renamer.communicate(timeout=SECONDS + 60)
    assert renamer.returncode == 0, err
    assert int(out) > 10, "the renamer barely ran: the race was not exercised"
    for seen in results:
        assert seen["holes"] == [], seen
    assert results[0]["complete"] > 0  # all models: a consistent page most of the time
    final = run_zenml("model", "version", "list", "-o", "json", cwd=project)
    assert final.returncode == 0 and len(json.loads(final.stdout)["items"]) == 5
