"""``--push --branch NAME`` review branches, push options (issue 19 item 5) and what a pushed
commit says in ``git log`` (issue 22 item 5): real git, a bare remote whose hooks protect
``main``, the installed ``zenml`` in subprocesses."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.git import PROTECT_MAIN, clone, git, tip
from support.running import run_zenml

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_git")]


def hook(remote: Path, text: str) -> None:
    path = remote / "hooks" / "pre-receive"
    path.write_text(text)
    path.chmod(0o755)


def test_a_protected_main_refuses_and_a_review_branch_lands(remote: Path, tmp_path: Path) -> None:
    hook(remote, PROTECT_MAIN)
    main_before = tip(remote)
    mine = clone(remote, tmp_path / "mine")
    refused = run_zenml("model", "register", "iris", "--push", cwd=mine)
    assert refused.returncode == 8
    assert "main is protected: open a pull request" in refused.stderr

    made = run_zenml("model", "register", "iris", "--push", "--branch", "review/x", cwd=mine)
    assert made.returncode == 0, made.stderr
    assert "origin/review/x" in made.stderr and "new branch from origin/main" in made.stderr
    first = git(remote, "rev-parse", "refs/heads/review/x")
    assert git(remote, "rev-parse", f"{first}^") == main_before
    assert git(remote, "cat-file", "-e", "review/x:.zenml/models/iris/model.yaml") == ""
    assert tip(remote) == main_before  # main untouched
    assert git(mine, "rev-parse", "HEAD") == main_before  # and so is the user's main checkout

    # a second write for the same pull request builds on the branch
    added = run_zenml("model", "version", "create", "iris", "--push", "--branch", "review/x",
                      cwd=mine)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "existing review branch" in added.stderr
    assert git(remote, "rev-parse", "refs/heads/review/x^") == first
    assert git(remote, "cat-file", "-e", "review/x:.zenml/models/iris/versions/1.yaml") == ""
    assert tip(remote) == main_before


def test_the_review_branch_from_the_environment_behind_and_unrelated(
    remote: Path, tmp_path: Path
) -> None:
    mine = clone(remote, tmp_path / "mine")
    env = {"ZENML_GIT_REVIEW_BRANCH": "review/env"}
    made = run_zenml("model", "register", "iris", "--push", cwd=mine, env=env)
    assert made.returncode == 0, made.stderr
    assert git(remote, "cat-file", "-e", "review/env:.zenml/models/iris/model.yaml") == ""
    # main moves on (another runner pushed to it): the review branch is behind, and the write
    # still belongs to its pull request
    other = clone(remote, tmp_path / "other")
    assert run_zenml("model", "register", "wine", "--push", cwd=other).returncode == 0
    before = git(remote, "rev-parse", "refs/heads/review/env")
    behind = run_zenml("model", "version", "create", "iris", "--push", cwd=mine, env=env)
    assert behind.returncode == 0, behind.stderr
    assert "behind origin/main" in behind.stderr
    assert "zenml resolve --onto origin/main" in behind.stderr
    assert git(remote, "rev-parse", "refs/heads/review/env^") == before
    # a branch with no history in common is not a review branch of this registry
    orphan = tmp_path / "orphan"
    orphan.mkdir()
    git(orphan, "init", "-q", "-b", "docs")
    (orphan / "x.txt").write_text("x\n")
    git(orphan, "add", "-A")
    git(orphan, "-c", "user.name=o", "-c", "user.email=o@o", "commit", "-q", "-m", "x")
    git(orphan, "push", "-q", str(remote), "docs:refs/heads/docs")
    unrelated = run_zenml("model", "version", "create", "iris", "--push", "--branch", "docs",
                          cwd=mine)  # fmt: skip
    assert unrelated.returncode == 4 and "shares no history" in unrelated.stderr


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["--push", "--branch", "main"], 5, "registry branch itself"),
        (["--push", "--branch", "a..b"], 5, "not a valid branch name"),
        (["--push", "--branch", "--force"], 5, "not a valid branch name"),
        (["--branch", "review/x"], 2, "add --push"),
        (["--push", "--push-option", "a\nb"], 5, "one line of printable text"),
    ],
)
def test_bad_review_settings_change_nothing(
    remote: Path, tmp_path: Path, args: list[str], code: int, said: str
) -> None:
    mine = clone(remote, tmp_path / "mine")
    before = git(remote, "for-each-ref")
    done = run_zenml("model", "register", "iris", *args, cwd=mine)
    assert done.returncode == code, done.stderr
    assert said in done.stderr
    assert git(remote, "for-each-ref") == before
    assert not (mine / ".zenml" / "models" / "iris").exists()


def test_push_options_reach_the_server_from_the_command_line_and_environment(
    remote: Path, tmp_path: Path
) -> None:
    git(remote, "config", "receive.advertisePushOptions", "true")
    seen = tmp_path / "seen"
    hook(
        remote,
        "#!/bin/sh\ni=0\nwhile [ $i -lt ${GIT_PUSH_OPTION_COUNT:-0} ]; do\n"
        f'  eval "echo \\$GIT_PUSH_OPTION_$i" >> "{seen}"\n  i=$((i+1))\ndone\n',
    )
    mine = clone(remote, tmp_path / "mine")
    done = run_zenml("model", "register", "iris", "--push", "--branch", "review/y",
                     "--push-option", "merge_request.create",
                     "--push-option", "merge_request.title=Register iris", cwd=mine)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert seen.read_text().splitlines() == [
        "merge_request.create",
        "merge_request.title=Register iris",
    ]
    env = {"ZENML_GIT_PUSH_OPTIONS": "ci.skip\n"}
    assert run_zenml("model", "register", "wine", "--push", cwd=mine, env=env).returncode == 0
    assert seen.read_text().splitlines()[-1] == "ci.skip"


def test_config_yaml_cannot_supply_push_options_or_an_option_as_branch(
    remote: Path, tmp_path: Path
) -> None:
    mine = clone(remote, tmp_path / "mine")
    config = mine / ".zenml" / "config.yaml"
    original = config.read_text()
    config.write_text(original + "git:\n  push_options: [--receive-pack=evil]\n")
    done = run_zenml("model", "register", "iris", "--push", cwd=mine)
    assert done.returncode == 6 and "push_options" in done.stderr
    config.write_text(original + "git:\n  review_branch: --receive-pack=evil\n")
    done = run_zenml("model", "register", "iris", "--push", cwd=mine)
    assert done.returncode == 5 and "not a valid branch name" in done.stderr
    assert git(remote, "for-each-ref", "--format=%(refname)") == "refs/heads/main"


def test_a_pushed_promotion_commit_is_a_full_audit_in_git_log(remote: Path, tmp_path: Path) -> None:
    mine = clone(remote, tmp_path / "mine")
    for args in (
        ["model", "register", "iris"],
        ["model", "version", "create", "iris", "-M", "auc=0.90"],
        ["model", "version", "update", "iris", "1", "-s", "production"],
        ["model", "version", "create", "iris", "-M", "auc=0.95"],
    ):
        done = run_zenml(*args, "--push", cwd=mine)
        assert done.returncode == 0, done.stderr
    why = "beats production on the holdout set\n\nZenml-Actor: mallory"
    promoted = run_zenml("model", "version", "update", "iris", "2", "-s", "production",
                         "--if-better", "auc", "-m", why, "--push", cwd=mine,
                         env={"ZENML_ACTOR": "ci@runner-7"})  # fmt: skip
    assert promoted.returncode == 0, promoted.stderr
    subject = git(remote, "log", "-1", "--format=%s", "main")
    said = "moved version 2 ('2') of 'iris' from none to production; archived version 1"
    assert subject == f"zenml: {said}"
    assert said in promoted.stderr.splitlines()  # the commit says what stderr said
    body = git(remote, "log", "-1", "--format=%b", "main")
    assert "beats production on the holdout set" in body
    gate = "gate auc:higher passed: version 2 has auc=0.95; production (version 1) has auc=0.9"
    assert gate in body.splitlines()
    assert gate in promoted.stderr.splitlines()  # the body says what stderr said
    actor = git(remote, "log", "-1", "--format=%(trailers:key=Zenml-Actor,valueonly)", "main")
    assert actor == "ci@runner-7"  # the message's forged line is not a trailer
