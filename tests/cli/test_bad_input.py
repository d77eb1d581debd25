"""Bad input: the right exit code, a one-line message saying what to do, and a store whose
bytes are exactly as they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zenml_cli import Client

from support.running import Cli, snapshot


@pytest.fixture
def seeded(iris: Client, project: Path) -> Path:
    iris.update_model_version("iris", 2, stage="production")
    return project


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["model", "register", ""], 5, "empty"),
        (["model", "register", "../x"], 5, "'/'"),
        (["model", "register", "a/b"], 5, "'/'"),
        (["model", "register", "a\x01b"], 5, "control character"),
        (["model", "register", "x" * 300], 5, "300 characters"),
        (["model", "register", "Iris"], 4, "unique ignoring case"),
        (["model", "register", "iris"], 4, "already exists"),
        (["model", "version", "create", "iris", "7"], 5, "all digits"),
        (["model", "version", "create", "iris", "Production"], 5, "stage word"),
        (["model", "version", "create", "iris", "v2"], 4, "already has a version named"),
        (["model", "version", "create", "nope"], 3, "no model named 'nope'"),
        (["model", "version", "update", "iris", "1", "--stage", "prod"], 5, "unknown stage"),
        (["model", "version", "update", "iris", "1", "--stage", "latest"], 5, "virtual"),
        (["model", "version", "update", "iris", "1", "--name", "Staging"], 5, "stage word"),
        (["model", "version", "update", "iris", "1", "--name", "v2"], 4, "already has a version"),
        (["model", "version", "update", "iris", "9", "--stage", "staging"], 3, "versions: 1..3"),
        (["model", "version", "update", "iris", "1.0.5", "-s", "staging"], 3, "no version named"),
        (["model", "version", "update", "nope", "--stage", "staging"], 3, "no model named"),
        (["model", "version", "describe", "iris", "staging"], 3, "no version in stage"),
        (["model", "version", "delete", "iris", "9", "-y"], 3, "no version number 9"),
        (["model", "update", "iris", "--name", "a/b"], 5, "'/'"),
        (["model", "describe", "IRIS"], 3, "did you mean 'iris'"),
        (["model", "delete", "nope", "-y"], 3, "no model named"),
        (["model", "list", "--page", "0"], 5, "--page"),
        (["model", "version", "list", "--sort-by", "colour"], 5, "cannot sort by"),
        (["model", "version", "list", "--stage", "gold"], 5, "unknown stage"),
    ],
)
def test_bad_input_is_refused_cleanly(
    seeded: Path, cli: Cli, args: list[str], code: int, fragment: str
) -> None:
    before = snapshot(seeded)
    exit_code, out, err = cli(*args)
    assert exit_code == code, err
    assert out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert fragment in err
    assert snapshot(seeded) == before


def test_usage_errors_exit_2(seeded: Path, cli: Cli) -> None:
    before = snapshot(seeded)
    assert cli("model", "list", "-o", "xml")[0] == 2
    assert cli("model", "version", "update")[0] == 2
    assert cli("model", "frobnicate")[0] == 2
    assert snapshot(seeded) == before


CORRUPTIONS = {
    "bad yaml": b"format: 1\nid: [unclosed\n",
    "not a mapping": b"- just\n- a list\n",
    "unknown format": b"format: 99\nid: x\n",
    "missing format": b"id: x\n",
    "wrong field type": None,  # filled per file below
    "binary": b"\xff\xfe\x00garbage",
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
@pytest.mark.parametrize("target", ["models/iris/model.yaml", "models/iris/versions/2.yaml"])
def test_corrupt_manifests_exit_6_naming_the_file(
    seeded: Path, cli: Cli, corruption: str, target: str
) -> None:
    path = seeded / ".zenml" / target
    content = CORRUPTIONS[corruption]
    if content is None:
        content = re.sub(rb"^format: (\d)\nid:", rb"format: \1\nid: 5\nold_id:", path.read_bytes())
    path.write_bytes(content)
    before = snapshot(seeded)
    reads = [
        ["model", "version", "describe", "iris", "2"],
        ["model", "version", "list", "--model", "iris", "--size", "50"],
    ]
    if target.endswith("model.yaml"):
        reads.append(["model", "describe", "iris"])
    writes = [
        ["model", "version", "update", "iris", "2", "--stage", "staging"],
        ["model", "version", "create", "iris", "fresh"]
        if "model.yaml" in target
        else ["model", "version", "update", "iris", "2", "-d", "x"],
    ]
    for args in reads + writes:
        code, out, err = cli(*args)
        assert code == 6, (args, err)
        # a list shows the versions it can read, then names the one it cannot (issue 19)
        lists_the_others = args[2] == "list" and "versions/" in target
        assert (out != "") == lists_the_others and err.count("\n") == 1
        assert target.split("/")[-1] in err and "zenml doctor" in err
    if "format" in corruption and "unknown" in corruption:
        assert "unknown format version 99" in err
    assert snapshot(seeded) == before
    code, out, _ = cli("doctor", "-o", "json")
    assert code == 6 and target in out


def test_corrupt_config_exits_6(seeded: Path, cli: Cli) -> None:
    (seeded / ".zenml/config.yaml").write_text("format: 1\nmanifest_format: toml\n")
    code, _, err = cli("model", "list")
    assert code == 6 and "config.yaml" in err and "manifest_format" in err


@pytest.mark.parametrize(
    "args",
    [
        ["model", "register", "wine", "-t", " "],
        ["model", "update", "iris", "-n", "renamed", "-t", ""],
        ["model", "version", "create", "iris", "-t", ""],
        ["model", "version", "update", "iris", "1", "-n", "renamed", "-t", " "],
    ],
)
def test_empty_tags_are_refused_before_anything_is_written(
    seeded: Path, cli: Cli, args: list[str]
) -> None:
    before = snapshot(seeded)
    code, _, err = cli(*args)
    assert code == 5 and "invalid tag" in err
    assert snapshot(seeded) == before


@pytest.mark.parametrize(
    "args", [["model", "version", "update", "iris", "1"], ["model", "update", "iris"]]
)
def test_an_update_with_nothing_to_change_is_a_usage_error(
    seeded: Path, cli: Cli, args: list[str]
) -> None:
    before = snapshot(seeded)
    code, out, err = cli(*args)
    assert code == 2 and out == "" and "nothing to change" in err
    assert snapshot(seeded) == before
