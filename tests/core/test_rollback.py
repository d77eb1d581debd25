"""Issue 19 item 6: ``zenml model version rollback NAME [--stage S] [-m MESSAGE]``. The stage
returns to the version that held it before the current holder (found by replaying history),
the current one is archived, and one stage event with ``rollback: true`` records it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zenml_cli import Client
from zenml_cli.errors import InvalidInputError, NotFoundError

from support.git import clone, git, isolated_git_env, make_remote
from support.running import run_zenml, snapshot

pytestmark = pytest.mark.slow  # the installed zenml in real processes


@pytest.fixture
def promoted(client: Client) -> Client:
    """iris 1..3; production held by 1, then 2 (1 archived); staging by 3."""
    client.create_model("iris")
    for _ in range(3):
        client.create_model_version("iris")
    client.update_model_version("iris", 1, stage="production")
    client.update_model_version("iris", 2, stage="production")
    client.update_model_version("iris", 3, stage="staging")
    return client


def _zenml(project: Path, *args: str) -> tuple[int, str, str]:
    done = run_zenml(*args, cwd=project)
    return done.returncode, done.stdout, done.stderr


def _history(project: Path) -> list[dict[str, object]]:
    code, out, err = _zenml(project, "model", "version", "history", "iris", "-o", "json")
    assert code == 0, err
    return json.loads(out)["items"]


def _holder(client: Client, stage: str) -> int:
    return client.get_model_version("iris", stage).number


def test_rollback_returns_the_previous_holder_in_one_event(promoted: Client, project: Path) -> None:
    before = _history(project)
    code, out, err = _zenml(
        project, "model", "version", "rollback", "iris", "-m", "auc regressed", "-o", "json"
    )
    assert code == 0, err
    assert "rolled back production of 'iris' to version 1" in err and "archived version 2" in err
    result = json.loads(out)
    assert result["number"] == 1 and result["stage"] == "production"
    assert result["archived_version"] == 2 and result["rollback"] is True
    assert _holder(promoted, "production") == 1
    assert promoted.get_model_version("iris", 2).stage == "archived"
    after = _history(project)
    assert after[: len(before)] == before  # history is only appended to
    (event,) = after[len(before) :]
    assert event["event"] == "stage" and event["rollback"] is True
    assert (event["version"], event["to"], event["archived"]) == (1, "production", 2)
    assert event["from"] == "archived" and event["message"] == "auc regressed"
    code, out, _ = _zenml(project, "doctor")
    assert code == 0, out
    code, out, _ = _zenml(project, "model", "version", "history", "iris")
    assert "stage (rollback)" in out


def test_history_at_names_each_holder_over_time(promoted: Client, project: Path) -> None:
    promoted.rollback_model_version("iris")
    events = _history(project)
    before, after = events[-2]["time"], events[-1]["time"]
    for moment, holder in ((before, 2), (after, 1)):
        code, out, err = _zenml(
            project, "model", "version", "history", "iris", "--at", str(moment), "-o", "json"
        )
        assert code == 0, err
        assert json.loads(out)["items"][0]["production"] == holder


def test_a_second_rollback_returns_to_the_version_rolled_back_from(promoted: Client) -> None:
    assert promoted.rollback_model_version("iris").number == 1
    assert promoted.rollback_model_version("iris").number == 2
    assert _holder(promoted, "production") == 2


def test_rollback_of_staging(promoted: Client, project: Path) -> None:
    promoted.update_model_version("iris", 1, stage="staging")  # 3 archived
    code, _, err = _zenml(project, "model", "version", "rollback", "iris", "--stage", "staging")
    assert code == 0, err
    assert _holder(promoted, "staging") == 3
    assert _holder(promoted, "production") == 2  # untouched


def test_no_previous_holder_is_exit_3_and_changes_nothing(project: Path, client: Client) -> None:
    client.create_model("iris")
    client.create_model_version("iris")
    before = snapshot(project)
    code, _, err = _zenml(project, "model", "version", "rollback", "iris")
    assert code == 3 and "no earlier holder" in err
    assert snapshot(project) == before
    client.update_model_version("iris", 1, stage="production")
    before = snapshot(project)
    code, _, err = _zenml(project, "model", "version", "rollback", "iris")
    assert code == 3 and "held by version 1" in err
    assert snapshot(project) == before
    with pytest.raises(NotFoundError):
        client.rollback_model_version("iris")


def test_a_deleted_previous_holder_is_exit_3_and_changes_nothing(
    promoted: Client, project: Path
) -> None:
    promoted.delete_model_version("iris", 1)
    before = snapshot(project)
    code, _, err = _zenml(project, "model", "version", "rollback", "iris")
    assert code == 3 and "version 1" in err and "was deleted" in err
    assert snapshot(project) == before


def test_an_emptied_stage_returns_to_its_last_holder(promoted: Client) -> None:
    promoted.update_model_version("iris", 2, stage="none")
    assert promoted.rollback_model_version("iris").number == 2


@pytest.mark.parametrize(("stage", "code"), [("archived", 5), ("none", 5), ("live", 5)])
def test_rollback_needs_a_single_holder_stage(
    promoted: Client, project: Path, stage: str, code: int
) -> None:
    before = snapshot(project)
    done, _, err = _zenml(project, "model", "version", "rollback", "iris", "--stage", stage)
    assert done == code, err
    assert snapshot(project) == before
    with pytest.raises(InvalidInputError):
        promoted.rollback_model_version("iris", stage=stage)


def test_rollback_is_not_blocked_by_promotion_policies(project: Path) -> None:
    code, _, err = _zenml(project, "init", "--production-requires-staging", "--strict-force")
    assert code == 0, err
    client = Client(project)
    client.create_model("iris")
    for number in (1, 2):
        client.create_model_version("iris")
        client.update_model_version("iris", number, stage="staging", force=True)
        client.update_model_version("iris", number, stage="production", force=True)
    assert client.rollback_model_version("iris").number == 1


def test_unknown_model_is_exit_3(project: Path, client: Client) -> None:
    client.create_model("iris")
    code, _, err = _zenml(project, "model", "version", "rollback", "rose")
    assert code == 3 and "rose" in err


@pytest.mark.slow
def test_rollback_with_push(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the push transaction like every write: a second clone sees the rollback."""
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    remote = make_remote(tmp_path)
    ci = clone(remote, tmp_path / "ci")
    for args in (
        ("model", "register", "iris"),
        ("model", "version", "create", "iris"),
        ("model", "version", "create", "iris"),
        ("model", "version", "update", "iris", "1", "--stage", "production"),
        ("model", "version", "update", "iris", "2", "--stage", "production"),
    ):
        code, _, err = _zenml(ci, *args, "--push")
        assert code == 0, (args, err)
    laptop = clone(remote, tmp_path / "laptop")
    code, out, err = _zenml(
        laptop, "model", "version", "rollback", "iris", "-m", "bad", "--push", "-o", "json"
    )
    assert code == 0, err
    assert json.loads(out)["number"] == 1
    git(ci, "pull", "-q", "--ff-only")
    code, out, err = _zenml(ci, "model", "version", "describe", "iris", "production", "-o", "json")
    assert code == 0 and json.loads(out)["number"] == 1
    assert "(rollback)" in git(remote, "log", "-1", "--format=%s", "main")
    assert _history(ci)[-1]["rollback"] is True


def test_the_step_by_step_replay_equals_replaying_every_prefix() -> None:
    """``previous_holder`` replays one event at a time (restating the holders so far as a
    reconcile event); for any history that must equal ``history.holders_at`` of each prefix."""
    import random

    from zenml_cli.core import history
    from zenml_cli.core.stages.rollback import _holders_after_each

    rng = random.Random(18)
    for _ in range(20):
        events = []
        for seq in range(1, 80):
            kind = rng.choice(["stage"] * 6 + ["delete", "rename", "reconcile"])
            number = rng.randint(1, 6)
            to: object = rng.choice(["staging", "production", "archived", "none"])
            if kind == "reconcile":
                to = {"staging": rng.choice([None, 1, 2]), "production": rng.choice([None, 3])}
            events.append(
                history.HistoryEvent(
                    seq=seq, time=f"t{seq:03d}", actor="a", event=kind, version=number, to=to
                )
            )
        rng.shuffle(events)  # file order is not sequence order after a union merge
        steps = _holders_after_each(events)
        ordered = sorted(events, key=lambda event: event.seq)
        assert steps == [history.holders_at(ordered[:end]) for end in range(len(ordered) + 1)]
