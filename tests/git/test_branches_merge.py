"""Issue 19 items 1 and 2: two branches' registry writes merge by id, never by number.

Each scenario runs as a team would: a bare remote, clones, the installed ``zenml`` and real
``git merge``; on the code before format 2 and ``zenml resolve`` each of them lost, hid or
swapped a version with doctor passing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.branches import (
    branch,
    commit,
    doctor_clean,
    history,
    model_file,
    push,
    register,
    team,
    version_file,
    zenml,
    zenml_json,
)
from support.git import BRANCH, git

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def test_register_and_delete_against_register_is_a_collision_not_a_deletion(
    tmp_path: Path,
) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(alice, "a")
    gone = register(alice)
    zenml(alice, "model", "version", "delete", "iris", "3", "-y")
    commit(alice, "a: register and delete 3")
    push(alice, "a")
    branch(bob, "b")
    kept = register(bob, "auc=0.95")
    assert kept["number"] == gone["number"] == 3
    commit(bob, "b: register 3")
    push(bob, "b")
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge a", "origin/a")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge b", "origin/b")  # clean, as before
    # Bob's version is not hidden: every read says what is wrong and the one fix.
    failed = zenml(alice, "model", "version", "list", "iris", code=6)
    assert kept["id"] in failed and gone["id"] in failed and "zenml resolve" in failed
    assert zenml(alice, "doctor", code=6)
    report = zenml_json(alice, "resolve", "--commit")
    assert [(m["old"], m["new"], m["id"]) for m in report["moved"]] == [("3", "4", kept["id"])]
    assert report["committed"]
    doctor_clean(alice)
    moved = zenml_json(alice, "model", "version", "describe", "iris", "4")
    assert moved["id"] == kept["id"] and moved["run_metadata"] == {"auc": 0.95}
    assert "deleted" in zenml(alice, "model", "version", "describe", "iris", "3", code=3)
    assert model_file(alice)["retired"] == [{"number": 3, "id": gone["id"]}]


def test_add_add_keeps_our_number_and_both_versions(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(bob, "b")
    theirs = register(bob, "auc=0.70")
    commit(bob, "b: 3")
    push(bob, "b")
    ours = register(alice, "auc=0.95")
    commit(alice, "main: 3")
    git(alice, "fetch", "-q", "origin")
    merged = git(alice, "merge", "-q", "origin/b", check=False)
    assert "CONFLICT" in merged  # add/add on versions/3.yaml
    before = git(alice, "status", "--porcelain")
    planned = zenml_json(alice, "resolve", "--dry-run")
    assert [(m["old"], m["new"]) for m in planned["moved"]] == [("3", "4")]
    assert git(alice, "status", "--porcelain") == before  # a dry run writes nothing
    report = zenml_json(alice, "resolve")
    assert report["kept_numbers"] == "ours"
    assert [(m["old"], m["new"]) for m in report["moved"]] == [("3", "4")]
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    three, four = version_file(alice, 3), version_file(alice, 4)
    assert (three["id"], three["metadata"]) == (ours["id"], {"auc": 0.95})
    assert (four["id"], four["metadata"], four["name"]) == (theirs["id"], {"auc": 0.70}, "4")
    assert four["created_by"] == theirs["created_by"] and four["created"] == theirs["created"]


def test_staging_swap_keeps_the_promoted_version_in_staging(tmp_path: Path) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(bob, "b")
    good = register(bob, "auc=0.95")
    zenml(bob, "model", "version", "update", "iris", "3", "--stage", "staging")
    commit(bob, "b: 3 to staging")
    push(bob, "b")
    branch(alice, "a")
    experiment = register(alice, "auc=0.70")
    commit(alice, "a: 3")
    push(alice, "a")
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge b", "origin/b")
    push(alice, BRANCH)
    assert "CONFLICT" in git(alice, "merge", "-q", "origin/a", check=False)
    zenml(alice, "resolve")
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    staged = zenml_json(alice, "model", "version", "describe", "iris", "staging")
    assert staged["id"] == good["id"] and staged["number"] == 3
    assert version_file(alice, 4)["id"] == experiment["id"]
    event = [e for e in history(alice) if e["event"] == "stage"][-1]
    assert (event["version"], event["version_id"]) == (3, good["id"])


def test_both_branches_promote_one_holder_the_later_merged_and_both_events(
    tmp_path: Path,
) -> None:
    _, (alice, bob) = team(tmp_path)
    branch(alice, "a")
    zenml(alice, "model", "version", "update", "iris", "1", "--stage", "production")
    commit(alice, "a: 1 to production")
    push(alice, "a")
    branch(bob, "b")
    zenml(bob, "model", "version", "update", "iris", "2", "--stage", "production")
    commit(bob, "b: 2 to production")
    push(bob, "b")
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge a", "origin/a")
    git(alice, "merge", "-q", "origin/b", check=False)  # model.yaml and history conflict
    report = zenml_json(alice, "resolve")
    assert report["moved"] == []
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    holders = model_file(alice)["stages"]
    assert holders["production"]["number"] == 2
    assert [a["number"] for a in holders["archived"]] == [1]
    events = history(alice)
    assert [(e["seq"], e["version"], e["to"], e["archived"]) for e in events] == [
        (1, 1, "production", None),
        (2, 2, "production", 1),
    ]


PIPELINE = """
import os
from typing import Annotated
from zenml_cli import ArtifactConfig, Model, pipeline, step

@step
def train() -> Annotated[dict, ArtifactConfig("trained_model", is_model_artifact=True)]:
    return {"trained_by": os.environ["WHO"]}

@step
def evaluate(model: dict) -> Annotated[str, ArtifactConfig("report")]:
    return "report of " + model["trained_by"]

@pipeline(model=Model(name="iris"), enable_cache=False)
def training() -> None:
    evaluate(train())

training()
"""

LOAD = """
import json
from zenml_cli import Client
out = {}
for number in (3, 4):
    version = Client().get_model_version("iris", number)
    out[number] = [version.get_model_artifact("trained_model").load(),
                   version.get_artifact("report").load(), version.id]
print(json.dumps(out))
"""


def _python(cwd: Path, code: str, shared: Path, who: str) -> str:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
    env.update({"ZENML_ARTIFACT_STORE": str(shared), "WHO": who, "ZENML_ACTOR": who})
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_pipelines_on_two_branches_both_runs_outputs_load(tmp_path: Path) -> None:
    import json

    _, (alice, bob) = team(tmp_path)
    shared = tmp_path / "shared-artifact-store"
    branch(bob, "b")
    _python(bob, PIPELINE, shared, "bob")
    commit(bob, "b: a run")
    push(bob, "b")
    _python(alice, PIPELINE, shared, "alice")
    commit(alice, "main: a run")
    git(alice, "fetch", "-q", "origin")
    assert "CONFLICT" in git(alice, "merge", "-q", "origin/b", check=False)
    report = zenml_json(alice, "resolve")
    moved = sorted((m["kind"], m["name"], m["old"], m["new"]) for m in report["moved"])
    assert moved == [
        ("artifact version", "report", "1", "2"),
        ("artifact version", "trained_model", "1", "2"),
        ("model version", "iris", "3", "4"),
    ]
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    loaded = json.loads(_python(alice, LOAD, shared, "alice"))
    assert loaded["3"][:2] == [{"trained_by": "alice"}, "report of alice"]
    assert loaded["4"][:2] == [{"trained_by": "bob"}, "report of bob"]
    import yaml

    runs = [yaml.safe_load(p.read_text()) for p in (alice / ".zenml" / "runs").iterdir()]
    used = sorted((r["created_by"], r["model_versions"][0]["number"]) for r in runs)
    assert used == [("alice", 3), ("bob", 4)]
    for run in runs:
        number = str(run["model_versions"][0]["number"])
        assert run["model_versions"][0]["id"] == loaded[number][2]
        outputs = {o["name"]: o["version"] for s in run["steps"] for o in s["outputs"].values()}
        artifact_version = "1" if number == "3" else "2"  # bob's outputs moved with his run
        assert outputs == {"trained_model": artifact_version, "report": artifact_version}


def test_replayed_events_of_a_deleted_version_or_a_failing_gate_are_skipped(
    tmp_path: Path,
) -> None:
    _, (alice, bob) = team(tmp_path)
    zenml(alice, "model", "version", "update", "iris", "1", "-M", "auc=0.99")
    zenml(alice, "model", "version", "update", "iris", "2", "-M", "auc=0.5")
    commit(alice, "main: metrics")
    push(alice, BRANCH)
    git(bob, "pull", "-q", "origin", BRANCH)
    branch(bob, "b")
    zenml(bob, "model", "version", "update", "iris", "2", "--stage", "production",
          "--if-better", "auc:higher")  # fmt: skip
    zenml(bob, "model", "version", "update", "iris", "1", "--stage", "staging")
    commit(bob, "b: 2 to production (gated), 1 to staging")
    push(bob, "b")
    zenml(alice, "model", "version", "update", "iris", "1", "--stage", "production")
    zenml(alice, "model", "version", "delete", "iris", "1", "-y", "--force")
    zenml(alice, "model", "version", "create", "iris", "-M", "auc=0.97")
    zenml(alice, "model", "version", "update", "iris", "3", "--stage", "production")
    commit(alice, "main: 1 deleted, 3 (auc 0.97) in production")
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-edit", "origin/b", check=False)
    report = zenml_json(alice, "resolve")
    skipped = sorted(n["detail"] for n in report["notes"] if n["kind"] == "skipped")
    assert len(skipped) == 2
    assert "gate no longer passes" in skipped[0] and "version 2 to production" in skipped[0]
    assert "version was deleted" in skipped[1] and "version 1 to staging" in skipped[1]
    git(alice, "commit", "-q", "--no-edit")
    doctor_clean(alice)
    stages = model_file(alice)["stages"]
    assert stages["production"]["number"] == 3 and stages["staging"] is None
    marked = [e for e in history(alice) if e.get("skipped")]
    assert [(e["version"], e["to"]) for e in marked] == [(2, "production"), (1, "staging")]


SAVE = """
import json, sys
from zenml_cli import Client, save_artifact
saved = save_artifact({"by": sys.argv[1]}, "dataset")
if sys.argv[2] == "delete":
    Client().delete_artifact_version(saved.id)
print(json.dumps({"id": saved.id, "version": saved.version}))
"""


def test_artifact_saved_and_deleted_against_saved_is_a_collision(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    def save(cwd: Path, who: str, then: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZENML_")}
        env["ZENML_ARTIFACT_STORE"] = str(tmp_path / "shared")
        done = subprocess.run(
            [sys.executable, "-c", SAVE, who, then], cwd=cwd, env=env, capture_output=True,
            text=True, timeout=60, check=True,
        )  # fmt: skip
        return dict(json.loads(done.stdout))

    _, (alice, bob) = team(tmp_path)
    branch(alice, "a")
    gone = save(alice, "alice", "delete")
    commit(alice, "a: dataset 1 saved and deleted")
    push(alice, "a")
    branch(bob, "b")
    kept = save(bob, "bob", "keep")
    assert gone["version"] == kept["version"] == "1"
    commit(bob, "b: dataset 1")
    push(bob, "b")
    git(alice, "checkout", "-q", BRANCH)
    git(alice, "fetch", "-q", "origin")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge a", "origin/a")
    git(alice, "merge", "-q", "--no-ff", "-m", "merge b", "origin/b")  # clean by text
    failed = zenml(alice, "artifact", "describe", "dataset", code=6)
    assert kept["id"] in failed and gone["id"] in failed and "zenml resolve" in failed
    report = zenml_json(alice, "resolve", "--commit")
    assert [(m["kind"], m["old"], m["new"]) for m in report["moved"]] == [
        ("artifact version", "1", "2")
    ]
    doctor_clean(alice)
    described = zenml_json(alice, "artifact", "describe", "dataset")
    assert (described["id"], described["version"]) == (kept["id"], "2")
