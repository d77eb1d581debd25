"""Issue 18, "hangs and exhaustion from committed files": nothing committed makes a command
wait forever or read without bound (DESIGN section 12). Each case runs the installed ``zenml``
in a subprocess with a time bound: a hang fails the test by timing out, never by hanging CI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from zenml_cli.core import models, versions
from zenml_cli.limits import MAX_HISTORY_BYTES, MAX_MANIFEST_BYTES, MAX_NESTING
from zenml_cli.store import Store
from zenml_cli.store.layout import manifest_memo_file

from support.running import run_zenml, snapshot

pytestmark = pytest.mark.slow  # many real processes

#: Seconds any single command here may take; a hang is the failure being tested for.
BOUND = 30


@pytest.fixture
def store(project: Path) -> Store:
    models.create_model(Store(project), "iris")
    for _ in range(3):
        versions.create_version(Store(project), "iris", metadata={"auc": 0.9})
    return Store(project)


def _zenml(project: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Exit code, and stdout + stderr (doctor lists problems on stdout, errors go to stderr)."""
    done = run_zenml(*args, cwd=project, env=env, timeout=BOUND)
    return done.returncode, done.stdout + done.stderr


def _replace(path: Path, target: str | None = None, *, fifo: bool = False) -> None:
    path.unlink(missing_ok=True)
    if fifo:
        os.mkfifo(path)
    else:
        path.symlink_to(target or "/dev/zero")


def _config(project: Path, text: str) -> None:
    path = project / ".zenml" / "config.yaml"
    path.write_text(path.read_text() + text)


# ------------------------------------------------------------------------ lock timeouts
@pytest.mark.parametrize("value", ["-1", ".inf", ".nan", "-.inf", "1e12", "0", "'ten'", "true"])
def test_a_lock_timeout_that_would_wait_forever_is_corrupt(
    store: Store, project: Path, value: str
) -> None:
    text = (project / ".zenml" / "config.yaml").read_text()
    (project / ".zenml" / "config.yaml").write_text(
        text.replace("lock_timeout: 10.0", f"lock_timeout: {value}")
    )
    before = snapshot(project)
    code, err = _zenml(project, "model", "version", "create", "iris")
    assert code == 6, err
    assert "config.yaml" in err and "lock_timeout" in err
    assert snapshot(project) == before


@pytest.mark.parametrize("value", ["-1", "inf", "nan", "1e12", "soon"])
def test_a_lock_timeout_from_the_environment_is_command_line_input(
    store: Store, project: Path, value: str
) -> None:
    code, err = _zenml(
        project, "model", "version", "create", "iris", env={"ZENML_LOCK_TIMEOUT": value}
    )
    assert code == 5, err
    assert "ZENML_LOCK_TIMEOUT" in err


# ------------------------------------------------------------------------ devices and FIFOs
def _version_file(store: Store, number: int = 2) -> Path:
    return store.layout.version_file("iris", number)


@pytest.mark.parametrize("fifo", [False, True], ids=["dev-zero", "fifo"])
@pytest.mark.parametrize(
    ("which", "command"),
    [
        ("version", ("model", "version", "list", "iris")),
        ("model", ("model", "describe", "iris")),
        ("history", ("model", "version", "history", "iris")),
        ("config", ("model", "list")),
    ],
)
def test_a_manifest_that_is_a_device_or_fifo_fails_naming_it(
    store: Store, project: Path, which: str, command: tuple[str, ...], fifo: bool
) -> None:
    versions.update_version(store, "iris", 1, stage="staging")
    path = {
        "version": _version_file(store),
        "model": store.layout.model_file("iris"),
        "history": store.layout.history_file("iris"),
        "config": project / ".zenml" / "config.yaml",
    }[which]
    _replace(path, fifo=fifo)
    code, err = _zenml(project, *command)
    assert code == 6, err
    assert path.name in err and ("not a regular file" in err or "symbolic link" in err)
    code, err = _zenml(project, "doctor")
    assert code == 6, err
    assert path.name in err


def test_a_a_write_refuses_a_device_history_without_writing(store: Store, project: Path) -> None:
    """A promotion reads the history's last line (for its sequence number) before it appends."""
    _replace(store.layout.history_file("iris"))
    before = snapshot(project)
    code, err = _zenml(project, "model", "version", "update", "iris", "1", "--stage", "staging")
    assert code == 6, err
    assert "history.jsonl" in err
    assert snapshot(project) == before


def test_a_fifo_caches_are_ignored_not_waited_on(project: Path) -> None:
    """``.cache/`` entries (folder index, number hint, manifest memo) are derived: a FIFO or a
    device there (checked out from a commit that force-added it) is skipped and rebuilt."""
    store = Store(project)
    models.create_model(store, "big")
    for _ in range(40):
        versions.create_version(store, "big")
    folder = store.layout.versions_dir("big")
    caches = [
        store.layout.cache_path(folder, ".index"),
        store.layout.cache_path(folder, ".next"),
        store.layout.cache_path(folder, ".fields-name-id"),
    ]
    caches.append(manifest_memo_file(project / ".zenml"))
    for path in caches:
        path.parent.mkdir(parents=True, exist_ok=True)
        _replace(path, fifo=True)
    code, err = _zenml(project, "model", "version", "list", "big", "--size", "50")
    assert code == 0, err
    code, err = _zenml(project, "model", "version", "create", "big", "named")
    assert code == 0, err
    code, err = _zenml(project, "model", "version", "describe", "big", "named")
    assert code == 0, err


def test_a_artifact_and_run_manifests_that_are_devices(project: Path) -> None:
    code, err = _zenml(project, "model", "register", "m")
    assert code == 0, err
    artifact = Store(project).layout.artifact_file("data", "1")
    artifact.parent.mkdir(parents=True)
    _replace(artifact, fifo=True)
    run = Store(project).layout.run_file("run-1")
    run.parent.mkdir(parents=True)
    _replace(run)
    code, err = _zenml(project, "artifact", "list")
    assert code == 6, err
    assert artifact.name in err
    code, err = _zenml(project, "doctor")
    assert code == 6
    assert str(artifact) in err and str(run) in err


# ------------------------------------------------------------------------ size bounds
def test_a_a_manifest_beyond_the_size_bound(store: Store, project: Path) -> None:
    path = _version_file(store)
    with path.open("ab") as handle:
        handle.truncate(MAX_MANIFEST_BYTES + 1)  # sparse: no disk is filled
    code, err = _zenml(project, "model", "version", "describe", "iris", "2")
    assert code == 6, err
    assert "2.yaml" in err and "bytes, more than" in err
    code, err = _zenml(project, "doctor")
    assert code == 6 and "2.yaml" in err


def test_a_a_history_beyond_the_size_bound(store: Store, project: Path) -> None:
    versions.update_version(store, "iris", 1, stage="staging")
    with store.layout.history_file("iris").open("ab") as handle:
        handle.truncate(MAX_HISTORY_BYTES + 1)
    code, err = _zenml(project, "model", "version", "history", "iris")
    assert code == 6, err
    assert "history.jsonl" in err and "bytes, more than" in err


# ------------------------------------------------------------------------ nesting
def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 900, 200_000])
def test_a_deep_nesting_in_a_yaml_manifest_is_corrupt_for_readers_and_doctor(
    store: Store, project: Path, depth: int
) -> None:
    """Under libyaml's own limit (1,000) a file parses, then recursion in a reader or a
    renderer (-o json) ends the command with exit 1; doctor used to pass it."""
    path = _version_file(store)
    deep = "[" * depth + "]" * depth
    path.write_text(path.read_text().replace("metadata:\n", f"metadata:\n  deep: {deep}\n", 1))
    for command in (
        ("model", "version", "list", "iris", "-o", "json"),
        ("model", "version", "describe", "iris", "2", "-o", "json"),
        ("doctor",),
    ):
        code, err = _zenml(project, *command)
        assert code == 6, (command, err)
        assert "2.yaml" in err and ("nested more than" in err or "not valid YAML" in err)


def test_a_deep_nesting_in_a_json_store(project: Path) -> None:
    code, err = _zenml(project, "init", "--manifest-format", "json")
    assert code == 0, err
    store = Store(project)
    models.create_model(store, "iris")
    versions.create_version(store, "iris")
    path = store.layout.version_file("iris", 1)
    data = json.loads(path.read_text())
    data["run_metadata"] = {"deep": "PLACEHOLDER"}
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(json.dumps(data).replace('"PLACEHOLDER"', deep))
    for command in (("model", "version", "list", "iris"), ("doctor",)):
        code, err = _zenml(project, *command)
        assert code == 6, (command, err)
        assert "1.json" in err and "nested more than" in err


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 100_000])
def test_a_deep_nesting_in_a_history_line(store: Store, project: Path, depth: int) -> None:
    versions.update_version(store, "iris", 1, stage="staging")
    line = {
        "seq": 2,
        "time": "2026-01-01T00:00:00Z",
        "event": "stage",
        "message": "PLACEHOLDER",
    }
    deep = "[" * depth + "]" * depth
    with store.layout.history_file("iris").open("a") as handle:
        handle.write(json.dumps(line).replace('"PLACEHOLDER"', deep) + "\n")
    for command in (("model", "version", "history", "iris"), ("doctor",)):
        code, err = _zenml(project, *command)
        assert code == 6, (command, err)
        assert "history.jsonl:2" in err and "nested more than" in err


@pytest.mark.parametrize(
    "fields",
    [
        {"version": {"number": 1}},
        {"time": ["2026"]},
        {"to": ["production"]},
        {"archived": "2"},
        {"message": 5},
        {"gate": "passed"},
        {"version": True},
    ],
    ids=lambda fields: next(iter(fields)),
)
def test_a_history_fields_of_the_wrong_shape(
    store: Store, project: Path, fields: dict[str, object]
) -> None:
    versions.update_version(store, "iris", 1, stage="staging")
    line = {"seq": 2, "time": "2026-01-01T00:00:00Z", "event": "stage", "version": 2, "to": "none"}
    line.update(fields)
    with store.layout.history_file("iris").open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    key = next(iter(fields))
    for command in (("model", "version", "history", "iris"), ("doctor",)):
        code, err = _zenml(project, *command)
        assert code == 6, (command, err)
        assert "history.jsonl:2" in err and repr(key) in err


# ------------------------------------------------------------------------ --metadata-file
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge", "deep", "aliases", "deep-json"])
def test_a_metadata_file_is_bounded_command_line_input(
    store: Store, project: Path, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "metrics.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "huge":
        path.write_bytes(b"auc: 0.9\n")
        with path.open("ab") as handle:
            handle.truncate(MAX_MANIFEST_BYTES + 1)
    elif kind == "deep":
        path.write_text("auc: " + "[" * 900 + "]" * 900 + "\n")
    elif kind == "aliases":  # "billion laughs": a few hundred bytes, exponential to walk
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
        path.write_text("\n".join(lines) + "\n")
    else:
        path.write_text('{"auc": ' + "[" * 100_000 + "]" * 100_000 + "}")
    before = snapshot(project)
    code, err = _zenml(
        project, "model", "version", "update", "iris", "1", "--metadata-file", str(path)
    )
    assert code == 5, err
    assert "metadata-file" in err
    assert snapshot(project) == before


def test_a_deep_metadata_option_is_command_line_input(store: Store, project: Path) -> None:
    before = snapshot(project)
    deep = "[" * 60_000 + "]" * 60_000  # one argument may not pass 128 KiB
    code, err = _zenml(project, "model", "version", "update", "iris", "1", "-M", f"auc={deep}")
    assert code == 5, err
    code, err = _zenml(
        project, "model", "version", "update", "iris", "1", "-M", "auc=" + "[" * 100 + "]" * 100
    )
    assert code == 5, err
    assert "nested more than" in err
    assert snapshot(project) == before


def test_a_nesting_up_to_the_limit_round_trips(store: Store, project: Path) -> None:
    """What a write accepts, every reader (and doctor) reads back."""
    deep = json.dumps(_nested(MAX_NESTING - 3))
    code, err = _zenml(project, "model", "version", "update", "iris", "1", "-M", f"deep={deep}")
    assert code == 0, err
    code, err = _zenml(project, "doctor")
    assert code == 0, err
    code, err = _zenml(project, "model", "version", "describe", "iris", "1", "-o", "json")
    assert code == 0, err


# ------------------------------------------------------------------------ dashboard marker
def test_a_a_huge_dashboard_marker_is_not_read(store: Store, project: Path) -> None:
    """The marker lists the files an earlier build wrote; a committed 300 MiB one (sparse, so
    cheap here) was read whole. Beyond the bound it is not a marker this command wrote."""
    out = project / "site"
    code, err = _zenml(project, "dashboard", "build", "--out", str(out))
    assert code == 0, err
    marker = out / ".zenml-dashboard"
    with marker.open("ab") as handle:
        handle.truncate(300 * 1024 * 1024)
    code, err = _zenml(project, "dashboard", "build", "--out", str(out))
    assert code == 4, err
    assert "was not written by 'zenml dashboard build'" in err


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_lock_file_that_is_not_a_plain_file(store: Store, project: Path, kind: str) -> None:
    """``.locks/`` is git-ignored, but a commit can force-add anything there."""
    lock = project / ".zenml" / ".locks" / "model-iris.lock"
    lock.unlink(missing_ok=True)
    lock.parent.mkdir(exist_ok=True)
    if kind == "folder":
        lock.mkdir()
    else:
        os.mkfifo(lock)
    before = snapshot(project)
    code, err = _zenml(project, "model", "version", "create", "iris")
    assert code == 6, err
    assert "model-iris.lock" in err and "not a plain file" in err
    assert snapshot(project) == before
