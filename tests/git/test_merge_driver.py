"""The merge driver's one-file merges (``zenml git merge-file``, issue 19 item 3), through the
installed command as git runs it: %O %A %B %P, the result left in %A."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from support.running import run_zenml


def _event(seq: int, version: int, to: str, time: str) -> str:
    return json.dumps(
        {"seq": seq, "time": time, "actor": "a", "event": "stage", "version": version,
         "version_id": f"id-{version}", "from": "none", "to": to}
    )  # fmt: skip


def _driver(tmp_path: Path, path: str, base: str, ours: str, theirs: str) -> tuple[int, str, str]:
    files = []
    for name, text in (("O", base), ("A", ours), ("B", theirs)):
        target = tmp_path / name
        target.write_text(text)
        files.append(str(target))
    done = run_zenml("git", "merge-file", *files, path, cwd=tmp_path)
    return done.returncode, (tmp_path / "A").read_text(), done.stderr


def test_history_is_ours_then_theirs_new_events_once_resequenced(tmp_path: Path) -> None:
    base = _event(1, 1, "staging", "t1") + "\n"
    ours = base + _event(2, 2, "production", "t2") + "\n"
    theirs = base + _event(2, 3, "staging", "t3") + "\n"
    code, merged, _ = _driver(tmp_path, ".zenml/models/m/history.jsonl", base, ours, theirs)
    assert code == 0
    events = [json.loads(line) for line in merged.splitlines()]
    assert [(e["seq"], e["version"], e["to"]) for e in events] == [
        (1, 1, "staging"),
        (2, 2, "production"),
        (3, 3, "staging"),
    ]


def _model(staging: int | None, production: int | None, ids: dict[int, str]) -> str:
    def ref(number: int | None) -> dict[str, object] | None:
        return None if number is None else {"number": number, "id": ids[number]}

    data = {
        "format": 2, "id": "model-id", "description": None, "tags": [],
        "stages": {"staging": ref(staging), "production": ref(production), "archived": []},
        "retired": [],
    }  # fmt: skip
    return yaml.safe_dump(data, sort_keys=False)


def test_model_yaml_applies_theirs_stage_change_after_ours(tmp_path: Path) -> None:
    ids = {1: "a", 2: "b", 3: "c"}
    code, merged, _ = _driver(
        tmp_path,
        ".zenml/models/m/model.yaml",
        _model(None, 1, ids),
        _model(None, 2, ids),  # ours promoted 2 (1 archived on our side is not in this toy)
        _model(3, 1, ids),  # theirs put 3 in staging
    )
    assert code == 0
    stages = yaml.safe_load(merged)["stages"]
    assert stages["production"] == {"number": 2, "id": "b"}
    assert stages["staging"] == {"number": 3, "id": "c"}


def test_one_number_with_two_ids_is_marked_for_zenml_resolve(tmp_path: Path) -> None:
    code, merged, said = _driver(
        tmp_path,
        ".zenml/models/m/model.yaml",
        _model(None, None, {}),
        _model(3, None, {3: "ours"}),
        _model(None, 3, {3: "theirs"}),
    )
    # run by no git command a hook follows (here: by none), the driver stops git
    assert code == 1 and "zenml resolve" in said and "stops here" in said
    assert "ours" in yaml.safe_load(merged)["unresolved_merge"]


def test_two_version_files_on_one_number_are_marked_not_merged(tmp_path: Path) -> None:
    version = "format: 1\nnumber: 3\nname: '3'\nid: {id}\nmetadata:\n  auc: {auc}\n"
    code, merged, said = _driver(
        tmp_path,
        ".zenml/models/m/versions/3.yaml",
        "",
        version.format(id="ours", auc=0.9),
        version.format(id="theirs", auc=0.1),
    )
    assert code == 1 and "zenml resolve" in said and "theirs" in said
    data = yaml.safe_load(merged)
    assert data["id"] == "ours" and "unresolved_merge" in data


def test_one_version_changed_on_both_sides_merges_key_by_key(tmp_path: Path) -> None:
    version = "format: 1\nnumber: 3\nname: '3'\nid: x\ndescription: {d}\ntags: {t}\n"
    code, merged, _ = _driver(
        tmp_path,
        ".zenml/models/m/versions/3.yaml",
        version.format(d="old", t="[a]"),
        version.format(d="new", t="[a]"),
        version.format(d="old", t="[a, b]"),
    )
    assert code == 0
    data = yaml.safe_load(merged)
    assert (data["description"], data["tags"]) == ("new", ["a", "b"])
