"""Issue 22: output that tells the truth. A refusal is a JSON document and not an error line;
wrong words are right; narrow tables keep what matters; the README's hints work as typed."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import yaml

from zenml_cli import Client, save_artifact

from support.git import clone, git, isolated_git_env, make_remote, tip
from support.running import REPO_ROOT, run_zenml, snapshot

pytestmark = pytest.mark.slow  # the installed zenml in real processes


def zenml(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_zenml(*args, cwd=project, env=env or None)


@pytest.fixture
def three(client: Client) -> Client:
    """iris with versions 1 (auc 0.9, production), 2 (auc 0.8) and 3 (no auc)."""
    client.create_model("iris")
    client.create_model_version("iris", metadata={"auc": 0.9})
    client.create_model_version("iris", metadata={"auc": 0.8})
    client.create_model_version("iris")
    client.update_model_version("iris", 1, stage="production")
    return client


# ------------------------------------------------------------------ item 3: refusals as JSON
def test_a_refused_gate_prints_its_json_keeps_exit_4_and_no_error_line(
    project: Path, three: Client
) -> None:
    before = snapshot(project)  # the store, without its derived caches and locks
    done = zenml(project, "model", "version", "update", "iris", "2", "-s", "production",
                 "--if-better", "auc", "-o", "json")  # fmt: skip
    assert done.returncode == 4
    refusal = json.loads(done.stdout)
    assert refusal["refused"] == "gate" and refusal["rule"] == "if_better"
    assert (refusal["model"], refusal["number"], refusal["stage"]) == ("iris", 2, "none")
    assert refusal["target_stage"] == "production" and refusal["holder"] == 1
    assert refusal["gate"] == {"key": "auc", "direction": "higher", "candidate": 0.8,
                               "holder": 1, "holder_value": 0.9}  # fmt: skip
    assert refusal["exit_code"] == 4 and refusal["reason"] in done.stderr
    assert "Error" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert snapshot(project) == before  # a refusal changes nothing


def test_if_current_and_policy_refusals_say_what_refused_them(project: Path, three: Client) -> None:
    done = zenml(project, "model", "version", "update", "iris", "2", "-s", "production",
                 "--if-current", "none", "-o", "yaml")  # fmt: skip
    refusal = yaml.safe_load(done.stdout)
    assert done.returncode == 4 and refusal["refused"] == "precondition"
    assert refusal["holder"] == 1 and refusal["expected_holder"] is None
    assert "production of model 'iris' is held by version 1, not empty" in done.stderr
    assert "not no version" not in done.stderr
    config = project / ".zenml" / "config.yaml"
    settings = yaml.safe_load(config.read_text())
    config.write_text(
        yaml.safe_dump({**settings, "policies": {"production_requires_staging": True}})
    )
    done = zenml(project, "model", "version", "update", "iris", "2", "-s", "production",
                 "-o", "json")  # fmt: skip
    refusal = json.loads(done.stdout)
    assert done.returncode == 4 and refusal["refused"] == "policy"
    assert refusal["rule"] == "production_requires_staging" and refusal["stage"] == "none"
    assert done.stderr.startswith("policy production_requires_staging refused")


def test_the_action_exposes_a_refusals_fields(project: Path, three: Client, tmp_path: Path) -> None:
    output = tmp_path / "github_output"
    output.write_text("")
    env = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    env |= {"INPUT_COMMAND": "model version update iris 2 -s production --if-better auc",
            "GITHUB_OUTPUT": str(output)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "action" / "run.py")], cwd=project, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 4
    values = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert values["refused"] == "gate" and values["rule"] == "if_better"
    assert values["gate_candidate"] == "0.8" and values["gate_holder_value"] == "0.9"
    assert values["holder"] == "1" and values["target_stage"] == "production"
    declared = yaml.safe_load((REPO_ROOT / "action.yml").read_text())["outputs"]
    for name in ("refused", "rule", "reason", "holder", "gate_candidate", "gate_holder_value"):
        assert name in declared and name in values


def test_the_sdk_gets_the_same_refusal(three: Client) -> None:
    from zenml_cli.errors import ConflictError, RefusedError

    with pytest.raises(RefusedError) as caught:
        three.update_model_version("iris", 2, stage="production", if_better="auc")
    assert isinstance(caught.value, ConflictError)  # what callers caught before
    assert caught.value.to_dict()["gate"]["holder_value"] == 0.9


# ------------------------------------------------------------------ item 4: no crying wolf
def test_register_exist_ok_is_quiet_about_a_model_that_exists(
    project: Path, client: Client
) -> None:
    first = zenml(project, "model", "register", "iris", "--exist-ok", "-d", "first")
    again = zenml(project, "model", "register", "iris", "--exist-ok", "-d", "second")
    assert first.returncode == again.returncode == 0
    assert again.stderr == "model 'iris' is already registered; nothing changed\n"
    assert client.get_model("iris").description == "first"
    clash = zenml(project, "model", "register", "IRIS", "--exist-ok")
    assert clash.returncode == 4  # another model's name ignoring case is still a clash


# ------------------------------------------------------------------ item 6: wrong words
@pytest.mark.slow
def test_a_copied_checkout_is_fast_forwarded_without_a_false_local_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    remote = make_remote(tmp_path)
    original = clone(remote, tmp_path / "original")
    assert zenml(original, "model", "register", "iris", "--push").returncode == 0
    subprocess.run(["cp", "-r", str(original), str(tmp_path / "copy")], check=True)
    copy = tmp_path / "copy"  # same files, but every stat in its index is stale
    (original / "README.md").write_text("a teammate's change\n")  # the fast-forward brings it
    git(original, "commit", "-q", "-am", "readme")
    git(original, "push", "-q", "origin", "main")
    done = zenml(copy, "model", "version", "create", "iris", "--push")
    assert done.returncode == 0, done.stderr
    assert "would be overwritten" not in done.stderr, done.stderr
    assert git(copy, "rev-parse", "HEAD") == tip(remote)
    assert git(copy, "status", "--porcelain") == ""
    assert (copy / "README.md").read_text() == "a teammate's change\n"


def test_a_no_op_promotion_that_reconciles_history_keeps_its_message(
    project: Path, three: Client
) -> None:
    model_file = project / ".zenml" / "models" / "iris" / "model.yaml"
    ours = model_file.read_bytes()  # production: 1
    three.update_model_version("iris", 2, stage="production")
    model_file.write_bytes(ours)  # a merge kept our model.yaml: history is ahead
    done = zenml(project, "model", "version", "update", "iris", "1", "-s", "production",
                 "-m", "keep 1 after the merge")  # fmt: skip
    assert done.returncode == 0, done.stderr
    events = json.loads(zenml(project, "model", "version", "history", "iris", "-o", "json").stdout)
    assert events["items"][-1]["event"] == "reconcile"
    assert events["items"][-1]["message"].endswith("; keep 1 after the merge")


def test_a_model_without_versions_says_so(project: Path, client: Client) -> None:
    client.create_model("iris")
    done = zenml(project, "model", "version", "describe", "iris")
    assert done.returncode == 3
    assert "model 'iris' has no versions yet; create one with" in done.stderr
    assert "stage 'latest'" not in done.stderr


def test_the_missing_store_hint_works_as_typed(tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = zenml(tmp_path / "here", "--project-dir", str(elsewhere), "model", "list")
    assert done.returncode == 3
    hint = done.stderr.split("(or '")[1].split("')")[0]
    assert hint == f"zenml init --project-dir {elsewhere}"
    assert zenml(tmp_path / "here", *shlex.split(hint)[1:]).returncode == 0
    assert (elsewhere / ".zenml").is_dir() and not (tmp_path / "here" / ".zenml").exists()
    assert (
        zenml(tmp_path / "here", "--project-dir", str(elsewhere), "model", "list").returncode == 0
    )


def test_usage_lines_name_arguments_in_capitals() -> None:
    from zenml_cli.cli.app import mount

    root = typer.main.get_command(mount())

    def usages(command: typer.core.TyperGroup, path: list[str]) -> list[str]:
        found = []
        for name, sub in getattr(command, "commands", {}).items():
            with typer.Context(sub, info_name=" ".join([*path, name])) as ctx:
                found.append(sub.get_usage(ctx))
            found += usages(sub, [*path, name])
        return found

    lines = usages(root, ["zenml"])  # type: ignore[arg-type]
    assert "Usage: zenml model version update [OPTIONS] MODEL [VERSION]" in lines
    assert len(lines) > 20 and not [line for line in lines if "{" in line]


def test_artifact_migrate_twice_says_there_was_nothing_to_do(project: Path, client: Client) -> None:
    save_artifact({"a": 1}, "features")
    target = str(project / "elsewhere")
    first = zenml(project, "artifact", "migrate", "--to", target)
    assert first.returncode == 0 and "(1 object(s) copied, 0 already there)" in first.stderr
    again = zenml(project, "artifact", "migrate", "--to", target)
    assert again.returncode == 0
    assert again.stderr == f"the artifact store is already {target}; nothing to migrate\n"


# ------------------------------------------------------------------ item 8: narrow tables
def test_history_at_50_columns_keeps_what_moved_where_and_drops_the_time_first(
    project: Path, three: Client
) -> None:
    moved = zenml(project, "model", "version", "update", "iris", "2", "-s", "production",
                  "-m", "better recall")  # fmt: skip
    assert moved.returncode == 0, moved.stderr

    def history(width: int) -> tuple[str, str]:
        done = zenml(project, "model", "version", "history", "iris", COLUMNS=str(width))
        return done.stdout.splitlines()[1], done.stderr

    header, note = history(50)
    assert header.split() == ["version", "from", "to", "archived", "message"]
    assert note.startswith("(seq, time, actor, event not shown at 50 columns")
    wide, _ = history(200)
    first_dropped = next(
        set(wide.split()) - set(header.split())
        for width in range(len(wide), 40, -1)
        if (header := history(width)[0]) and header.split() != wide.split()
    )
    assert first_dropped == {"time"}


def test_version_and_model_lists_keep_their_stage_columns(project: Path, three: Client) -> None:
    versions = zenml(project, "model", "version", "list", "iris", COLUMNS="40")
    assert versions.stdout.splitlines()[1].split()[:3] == ["model", "number", "name"]
    assert "stage" in versions.stdout.splitlines()[1].split()
    models = zenml(project, "model", "list", COLUMNS="20")
    assert models.stdout.splitlines()[1].split() == ["name", "production"]


def test_promote_in_ci_reports_a_policy_refusal_as_a_policy_refusal(project: Path) -> None:
    assert zenml(project, "init", "--production-requires-staging").returncode == 0
    (project / "m.json").write_text('{"auc": 0.9}')
    env = {k: v for k, v in os.environ.items() if k != "ZENML_PROJECT_DIR"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        ["bash", str(REPO_ROOT / "examples" / "promote_in_ci.sh"), "iris", "m.json"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 4 and done.stdout == ""  # not "kept ... (not better)"
    assert "policy production_requires_staging refused" in done.stderr
    assert 'step "gate on auc into production" failed with exit code 4' in done.stderr
