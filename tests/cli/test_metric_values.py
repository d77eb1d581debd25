"""Issue 18 "Also": a metric that is not a finite number (NaN, inf, or text such as "n/a") is a
failed measurement. It never matches a numeric --where, sorts after every number in both
directions, and never wins (or defends) a gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zenml_cli import Client

from support.running import run_zenml, snapshot

pytestmark = pytest.mark.slow  # many real processes


@pytest.fixture
def metrics(project: Path, client: Client) -> Path:
    """iris versions 1..7: auc 0.95, NaN (a committed YAML .nan), "n/a", inf (committed
    .inf), 0.80, none at all, and NaN as the CLI writes it (-M auc=NaN)."""
    client.create_model("iris")
    for auc in (0.95, 0.5, "n/a", 0.5, 0.80):
        client.create_model_version("iris", metadata={"auc": auc})
    client.create_model_version("iris")
    done = run_zenml("model", "version", "create", "iris", "-M", "auc=NaN", cwd=project)
    assert done.returncode == 0, done.stderr
    versions = project / ".zenml" / "models" / "iris" / "versions"
    for number, word in ((2, ".nan"), (4, ".inf")):
        path = versions / f"{number}.yaml"
        path.write_text(path.read_text().replace("auc: 0.5", f"auc: {word}"))
    return project


def _numbers(project: Path, *args: str) -> list[int]:
    done = run_zenml("model", "version", "list", "iris", "-o", "json", *args, cwd=project)
    assert done.returncode == 0, done.stderr
    return [item["number"] for item in json.loads(done.stdout)["items"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("metadata.auc >= 0.9", [1]),
        ("metadata.auc > 0", [1, 5]),
        ("metadata.auc < 1", [1, 5]),
        ("metadata.auc != 0.95", [5]),
        ("metadata.auc == nan", [2, 7]),
        ("metadata.auc == n/a", [3]),
    ],
)
def test_numeric_where_never_matches_a_non_number(
    metrics: Path, where: str, expected: list[int]
) -> None:
    assert _numbers(metrics, "--where", where) == expected


def test_non_numbers_sort_last_in_both_directions(metrics: Path) -> None:
    descending = _numbers(metrics, "--sort-by", "desc:metadata.auc")
    ascending = _numbers(metrics, "--sort-by", "asc:metadata.auc")
    assert descending[:2] == [1, 5]
    assert ascending[:2] == [5, 1]
    for order in (descending, ascending):
        assert sorted(order[2:6]) == [2, 3, 4, 7]
        assert order[-1] == 6  # no key at all: last of all


@pytest.mark.parametrize("candidate", [2, 3, 4, 7])
def test_if_better_refuses_a_non_finite_candidate(metrics: Path, candidate: int) -> None:
    before = snapshot(metrics)
    done = run_zenml(
        "model", "version", "update", "iris", str(candidate), "--stage", "production",
        "--if-better", "auc", cwd=metrics,
    )  # fmt: skip
    assert done.returncode == 5, done.stderr
    assert "not a number a gate can compare" in done.stderr
    assert snapshot(metrics) == before


def test_if_better_treats_a_non_finite_holder_as_missing(metrics: Path) -> None:
    Client(metrics).update_model_version("iris", 2, stage="production")
    done = run_zenml(
        "model", "version", "update", "iris", "5", "--stage", "production",
        "--if-better", "auc", "-o", "json", cwd=metrics,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "not a finite number: treated as missing" in done.stderr
    gate = json.loads(done.stdout)["gate"]
    assert gate["holder"] == 2 and gate["holder_value"] is None
    assert gate["holder_value_ignored"] == "nan"
    assert Client(metrics).get_model_version("iris", "production").number == 5
    history = run_zenml("model", "version", "history", "iris", "-o", "json", cwd=metrics)
    assert json.loads(history.stdout)["items"][-1]["gate"]["holder_value_ignored"] == "nan"
