"""Metadata and gates at the CLI: wiring, exit codes, clean JSON on stdout, one-line messages on
stderr; and a real-process race of gated promotions against the same production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zenml_cli import Client

from support.running import Cli, snapshot


@pytest.fixture
def scored(cli: Cli, client: Client) -> Cli:
    """Model 'iris': v1 auc 0.8 in production, v2 auc 0.9, v3 auc 0.7."""
    client.create_model("iris")
    for auc in (0.8, 0.9, 0.7):
        assert cli("model", "version", "create", "iris", "-M", f"auc={auc}")[0] == 0
    assert cli("model", "version", "update", "iris", "1", "--stage", "production")[0] == 0
    return cli


def test_metadata_options_on_create_and_update_show_in_describe(
    cli: Cli, client: Client, project: Path
) -> None:
    client.create_model("iris")
    (project / "m.yaml").write_text("auc: 0.5\nf1: 0.4\n")
    code, out, err = cli(
        "model", "version", "create", "iris", "--metadata-file", "m.yaml",
        "-M", "auc=0.93", "--metadata", "note=two words", "-M", 'eval={"n": 3}', "-o", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["run_metadata"] == {
        "auc": 0.93,
        "f1": 0.4,
        "note": "two words",
        "eval": {"n": 3},
    }
    code, _, err = cli("model", "version", "update", "iris", "1", "-M", "auc=0.95", "-t", "x")
    assert code == 0, err
    code, out, _ = cli("model", "version", "describe", "iris", "1", "-o", "json")
    described = json.loads(out)
    assert described["run_metadata"]["auc"] == 0.95 and described["tags"] == ["x"]
    code, out, _ = cli("model", "version", "describe", "iris", "1")
    assert "0.95" in out and "two words" in out


def test_bad_metadata_options_are_exit_5_with_one_line(cli: Cli, client: Client) -> None:
    client.create_model("iris")
    for args in (["-M", "auc"], ["--metadata-file", "missing.json"], ["-M", "=1"]):
        code, out, err = cli("model", "version", "create", "iris", *args)
        assert (code, out) == (5, "") and err.count("\n") == 1, args


def test_list_where_and_metadata_sort_give_clean_json(scored: Cli) -> None:
    code, out, err = scored(
        "model", "version", "list", "iris", "--where", "metadata.auc >= 0.75",
        "--sort-by", "desc:metadata.auc", "-o", "json",
    )  # fmt: skip
    assert code == 0, err
    assert [v["number"] for v in json.loads(out)["items"]] == [2, 1]
    code, out, _ = scored(
        "model", "version", "list", "iris", "-w", "stage == 'production'", "-o", "json"
    )
    assert [v["number"] for v in json.loads(out)["items"]] == [1]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--where", "metadata.auc ~ 1"], "no operator"),
        (["--where", "colour == red"], "unknown field"),
        (["--sort-by", "sideways:metadata.auc"], "cannot sort"),
    ],
)
def test_malformed_list_options_are_exit_5_naming_the_problem(
    scored: Cli, args: list[str], problem: str
) -> None:
    code, out, err = scored("model", "version", "list", "iris", *args)
    assert (code, out) == (5, "") and problem in err and err.count("\n") == 1


def test_compare_table_json_and_yaml(scored: Cli) -> None:
    code, out, err = scored("model", "version", "compare", "iris", "production", "2", "-o", "json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["a"], result["b"]) == (1, 2)
    assert result["metadata"][0]["difference"] == pytest.approx(0.1)
    code, out, _ = scored("model", "version", "compare", "iris", "1", "2")
    assert code == 0 and "metadata" in out and "+0.1" in out and "changed" in out
    code, out, _ = scored("model", "version", "compare", "iris", "1", "2", "-o", "yaml")
    assert code == 0 and "difference:" in out
    code, out, err = scored("model", "version", "compare", "iris", "1", "9")
    assert (code, out) == (3, "") and "no version number 9" in err


def test_gate_wiring_exit_codes_and_messages(scored: Cli, project: Path) -> None:
    before = snapshot(project)
    code, out, err = scored(
        "model", "version", "update", "iris", "3", "--stage", "production", "--if-better", "auc"
    )
    assert (code, out) == (4, "") and err.count("\n") == 1
    assert "auc=0.7" in err and "auc=0.8" in err
    assert snapshot(project) == before
    code, out, err = scored(
        "model", "version", "update", "iris", "2", "-s", "production",
        "--if-better", "auc:higher", "--if-current", "1", "-o", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["gate"]["holder_value"] == 0.8 and "gate auc:higher passed" in err
    code, out, err = scored("model", "version", "history", "iris", "-o", "json")
    assert json.loads(out)["items"][-1]["gate"]["candidate"] == 0.9


@pytest.mark.parametrize(
    ("args", "exit_code", "problem"),
    [
        (["3", "--if-better", "auc"], 2, "add --stage"),
        (["3", "-s", "production", "--if-current", "1"], 4, "held by version 2"),
        (["3", "-s", "production", "--if-current", "x"], 5, "'none'"),
        (["3", "-s", "archived", "--if-better", "auc"], 5, "staging or production"),
        (["3", "-s", "production", "--if-better", "f1"], 5, "no metadata 'f1'"),
    ],
)
def test_gate_refusals_exit_codes(
    scored: Cli, args: list[str], exit_code: int, problem: str
) -> None:
    assert scored("model", "version", "update", "iris", "2", "-s", "production")[0] == 0
    code, out, err = scored("model", "version", "update", "iris", *args)
    assert (code, out) == (exit_code, "") and problem in err and err.count("\n") == 1


@pytest.mark.slow
def test_four_gated_promotions_at_once_leave_the_best_in_production(
    client: Client, project: Path
) -> None:
    """Every gated promotion is checked under the model's lock on the state it reads, so
    whatever the order, production ends with the best candidate, and every refused process
    exits 4 naming its value and the holder's."""
    client.create_model("iris")
    client.create_model_version("iris", metadata={"auc": 0.5})
    client.update_model_version("iris", 1, stage="production")
    aucs = {2: 0.61, 3: 0.93, 4: 0.72, 5: 0.88}
    for number, auc in aucs.items():
        assert client.create_model_version("iris", metadata={"auc": auc}).number == number
    env = {**os.environ, "ZENML_PROJECT_DIR": str(project), "ZENML_LOCK_TIMEOUT": "60"}
    zenml = str(Path(sys.executable).with_name("zenml"))
    started = time.monotonic()
    procs = {
        number: subprocess.Popen(
            [
                zenml,
                "model",
                "version",
                "update",
                "iris",
                str(number),
                "--stage",
                "production",
                "--if-better",
                "auc",
                "-o",
                "json",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for number in aucs
    }
    results = {
        number: (p.wait(timeout=120), *p.communicate(timeout=10)) for number, p in procs.items()
    }
    assert time.monotonic() - started < 120
    assert client.get_model_version("iris", "production").number == 3
    assert results[3][0] == 0, results[3][2]
    for number, (code, out, err) in results.items():
        assert code in (0, 4), err
        if code == 0:
            assert json.loads(out)["gate"]["candidate"] == aucs[number]
        else:
            refusal = json.loads(out)  # -o json: the refusal as a document (issue 22)
            assert refusal["refused"] == "gate" and refusal["gate"]["candidate"] == aucs[number]
            assert f"auc={aucs[number]}" in err and "refused" in err
    promoted = [e for e in client.registry.history("iris") if e.gate is not None]
    assert [e.version for e in promoted][-1] == 3
    for event in promoted:  # each winner beat the holder it read, under the lock
        assert event.gate is not None
        holder_value = event.gate["holder_value"]
        assert holder_value is not None and event.gate["candidate"] > holder_value
