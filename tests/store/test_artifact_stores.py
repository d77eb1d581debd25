"""Issue 9: shared, content-addressed artifact stores (DESIGN section 8).

Real parts only: a real S3-protocol server (moto's standalone server on 127.0.0.1, spoken to by
the real s3fs/botocore client), real ``git clone``s, and training and loading in separate
Python processes, so a class defined in the training script's ``__main__`` is a real one.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

import pytest

from zenml_cli.store.payloads.artifact_store import PayloadStore
from zenml_cli.store.payloads.fsspec_store import FsspecPayloadStore
from zenml_cli.store.payloads.local_store import LocalPayloadStore

from support.payload_stores import (
    S3_ENV,
    accept,
    clone,
    committed,
    free_port,
    git,
    manifest,
    py,
    sha256_of,
    zenml,
)

pytestmark = pytest.mark.slow  # real S3 server, git clones, separate processes

TRAIN = """
from zenml_cli import Client, Model, save_artifact, step


class Scaler:  # defined in __main__: pickled by value, so it loads where this file is absent
    def __init__(self, k):
        self.k = k

    def apply(self, x):
        return x * self.k


@step(model=Model(name="fraud_pipe"))
def train() -> None:
    save_artifact(Scaler(3), "fraud_clf", is_model_artifact=True)


train()
Client().update_model_version("fraud_pipe", "latest", stage="production")
save_artifact(b"same bytes" * 100, "blob")
save_artifact(b"same bytes" * 100, "blob")  # stored once
"""

LOAD = (
    "from zenml_cli import Model; "
    "print(Model('fraud_pipe', 'production').load_artifact('fraud_clf').apply(2))"
)


def trained_project(tmp_path: Path, artifact_store: str | None) -> Path:
    """Clone A: a git repository whose training run saved into ``artifact_store``."""
    root = tmp_path / "a"
    (root / ".zenml").mkdir(parents=True)
    if artifact_store is not None:
        (root / ".zenml" / "config.yaml").write_text(
            f"format: 1\nartifact_store: {artifact_store}\n"
        )
    (root / "train.py").write_text(TRAIN)
    git(root, "init", "-q")
    if artifact_store is not None:
        accept(root, artifact_store)  # the team's store, accepted once per clone
    done = py(root, "train.py")
    assert done.returncode == 0, done.stderr
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "train")
    return root


# ------------------------------------------------------------------------------ S3
def test_s3_train_in_one_clone_load_in_another(tmp_path: Path, s3: tuple[str, object]) -> None:
    url, fs = s3
    a = trained_project(tmp_path, url)
    assert not any(p.name.startswith("s3") for p in a.iterdir())  # no folder named after a URL
    assert not [f for f in committed(a) if "sha256" in f or "artifact_store" in f]
    b = clone(a, tmp_path / "b", accepting=url)
    loaded = py(b, "-c", LOAD)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "6"
    objects = fs.find(url.removeprefix("s3://") + "/sha256")  # type: ignore[attr-defined]
    assert len(objects) == 2  # the model and one blob: the second save stored nothing
    cached = b / ".git" / "zenml" / "payloads" / "cache" / sha256_of(b, "fraud_clf")
    assert cached.is_file()
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == cached.name
    assert "uri" not in manifest(b, "fraud_clf").read_text()
    assert zenml(b, "doctor", "--payloads").returncode == 0


def test_s3_replaced_object_fails_load_and_deleted_one_fails_doctor(
    tmp_path: Path, s3: tuple[str, object]
) -> None:
    url, fs = s3
    a = trained_project(tmp_path, url)
    key = f"{url.removeprefix('s3://')}/sha256/{sha256_of(a, 'fraud_clf')[:2]}/"
    key += sha256_of(a, "fraud_clf")
    original = fs.cat_file(key)  # type: ignore[attr-defined]
    fs.pipe_file(key, original.replace(b"Scaler", b"Scalar"))  # type: ignore[attr-defined]
    b = clone(a, tmp_path / "b", accepting=url)
    loaded = py(b, "-c", LOAD)
    assert loaded.returncode == 1
    assert "artifact 'fraud_clf' version '1'" in loaded.stderr and "sha256" in loaded.stderr
    assert not (b / ".git" / "zenml" / "payloads" / "cache" / sha256_of(a, "fraud_clf")).exists()
    fs.rm_file(key)  # type: ignore[attr-defined]
    doctor = zenml(b, "doctor", "--payloads", "-o", "json")
    assert doctor.returncode == 6
    problems = json.loads(doctor.stdout)["items"]
    assert len(problems) == 1 and problems[0]["path"].endswith("fraud_clf/1.yaml")
    assert "missing" in problems[0]["problem"] and sha256_of(a, "fraud_clf")[:12] in str(problems)
    assert zenml(b, "doctor").returncode == 0  # without --payloads only manifests are checked


def test_migrate_local_to_s3_then_fresh_clone_loads(tmp_path: Path, s3: tuple[str, object]) -> None:
    url, fs = s3
    a = trained_project(tmp_path, None)  # the default, git-ignored local store
    assert clone(a, tmp_path / "early").joinpath(".zenml").is_dir()
    early = py(tmp_path / "early", "-c", LOAD)
    assert early.returncode == 1 and "missing from the artifact store" in early.stderr
    migrated = zenml(a, "artifact", "migrate", "--to", url, "-o", "json")
    assert migrated.returncode == 0, migrated.stderr
    report = json.loads(migrated.stdout)
    assert (report["objects_copied"], report["artifact_versions"]) == (2, 3)
    again = json.loads(zenml(a, "artifact", "migrate", "--to", url, "-o", "json").stdout)
    assert (again["objects_copied"], again["objects_present"]) == (0, 2)  # idempotent
    assert f"artifact_store: {url}" in (a / ".zenml" / "config.yaml").read_text()
    git(a, "commit", "-q", "-am", "move payloads to S3")
    b = clone(a, tmp_path / "b", accepting=url)
    assert py(b, "-c", LOAD).stdout.strip() == "6"


def test_unreachable_s3_is_exit_8_and_writes_no_manifest(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / ".zenml").mkdir(parents=True)
    (root / ".zenml" / "config.yaml").write_text("format: 1\nartifact_store: s3://bucket/x\n")
    env = {**S3_ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    saved = py(root, "-c", "from zenml_cli import save_artifact; save_artifact(1, 'a')", **env)
    assert saved.returncode == 1
    assert "artifact store s3://bucket/x failed" in saved.stderr and "RemoteError" in saved.stderr
    assert not (root / ".zenml" / "artifacts").exists()
    (root / ".zenml" / "config.yaml").write_text("format: 1\n")
    assert (
        py(root, "-c", "from zenml_cli import save_artifact; save_artifact(1, 'a')").returncode == 0
    )
    before = (root / ".zenml" / "config.yaml").read_bytes()
    moved = zenml(root, "artifact", "migrate", "--to", "s3://bucket/x", **env)
    assert moved.returncode == 8 and "s3://bucket/x" in moved.stderr
    assert len(moved.stderr.strip().splitlines()) == 1
    assert (root / ".zenml" / "config.yaml").read_bytes() == before


def test_a_missing_bucket_is_one_line_naming_the_store_from_cli_and_sdk(
    tmp_path: Path, s3: tuple[str, object]
) -> None:
    """Issue 22, item 9: no raw FileNotFoundError, from the SDK or the CLI."""
    url = f"s3://missing-{uuid.uuid4().hex[:8]}/team"
    root = tmp_path / "p"
    (root / ".zenml").mkdir(parents=True)
    (root / ".zenml" / "config.yaml").write_text(f"format: 1\nartifact_store: {url}\n")
    saved = py(root, "-c", "from zenml_cli import save_artifact; save_artifact(1, 'a')")
    assert saved.returncode == 1 and "FileNotFoundError" not in saved.stderr, saved.stderr
    bucket = url.split("/")[2]
    expected = f"artifact store {url}: bucket '{bucket}' does not exist; create it"
    assert (
        saved.stderr.strip()
        .splitlines()[-1]
        .startswith(f"zenml_cli.errors.RemoteError: {expected}")
    )
    (root / ".zenml" / "config.yaml").write_text("format: 1\n")
    assert (
        py(root, "-c", "from zenml_cli import save_artifact; save_artifact(1, 'a')").returncode == 0
    )
    moved = zenml(root, "artifact", "migrate", "--to", url)
    assert moved.returncode == 8, moved.stderr
    lines = moved.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and expected in lines[0]


# ------------------------------------------------------------------------------ file://
def test_file_url_shared_folder_between_clones(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    a = trained_project(tmp_path, f"file://{shared}")
    b = clone(a, tmp_path / "b", accepting=f"file://{shared}")
    assert py(b, "-c", LOAD).stdout.strip() == "6"
    assert len(list((shared / "sha256").glob("*/*"))) == 2
    target = shared / "sha256" / sha256_of(a, "blob")[:2] / sha256_of(a, "blob")
    target.unlink()
    doctor = zenml(b, "doctor", "--payloads", "-o", "json")
    assert doctor.returncode == 6 and "artifact 'blob' version '1'" in doctor.stdout


# ------------------------------------------------------------------------------ local default
def test_local_store_dedups_and_archives_folders_deterministically(tmp_path: Path) -> None:
    from zenml_cli import load_artifact, save_artifact
    from zenml_cli.store import Store
    from zenml_cli.store.payloads.artifact_store import open_payload_store

    root = tmp_path / "p"
    root.mkdir()
    Store(root).ensure_created()  # an explicit project dir must hold a store
    os.environ["ZENML_PROJECT_DIR"] = str(root)
    try:
        first, second = save_artifact(b"x" * 5000, "blob"), save_artifact(b"x" * 5000, "blob")
        folders = []
        for index in range(2):  # the same content, built twice with other times and order
            folder = tmp_path / f"run{index}" / "model"
            for name in ["b", "a"] if index else ["a", "b"]:
                (folder / "sub").mkdir(parents=True, exist_ok=True)
                (folder / "sub" / name).write_text(name)
                os.utime(folder / "sub" / name, (index * 1000, index * 1000))
            folders.append(save_artifact(folder, "model"))
        objects = list((root / ".zenml" / "artifact_store" / "sha256").glob("*/*"))
        assert first.sha256 == second.sha256 and folders[0].sha256 == folders[1].sha256
        assert len(objects) == 2
        loaded = load_artifact("model")
        assert loaded.name == "model" and (loaded / "sub" / "a").read_text() == "a"
        assert (objects[0].stat().st_mode & 0o777) == 0o666 & ~_umask()
        store = open_payload_store(Store(root))
        assert store.exists(first.sha256) and store.size(first.sha256) == 5000
    finally:
        del os.environ["ZENML_PROJECT_DIR"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------------------ confinement
EVIL = """
import os, pickle
class Boom:
    def __reduce__(self):
        return (os.system, ("touch {marker}",))
pickle.dump(Boom(), open("{target}", "wb"))
"""


def _legacy_digest(folder: Path) -> tuple[str, int]:
    """The pre-content-addressing folder hash, written out independently of the package."""
    hasher, total = hashlib.sha256(), 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix().encode()
        hasher.update(len(relative).to_bytes(8, "big") + relative)
        hasher.update(path.stat().st_size.to_bytes(8, "big"))
        hasher.update(path.read_bytes())
        total += path.stat().st_size
    return hasher.hexdigest(), total


def _manifest_text(name: str, artifact_id: str, sha: str, size: int, **extra: str) -> str:
    fields = {
        "format": 1, "id": artifact_id, "name": name, "version": "1", "number": 1,
        "type": "ModelArtifact", "materializer": "pickle", "data_type": "x.Boom",
        "sha256": sha, "size": size, **extra,
    }  # fmt: skip
    return "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items())


@pytest.mark.parametrize("shape", ["legacy_uri_outside", "hash_of_repo_file", "path_as_hash"])
def test_a_manifest_alone_never_runs_code(tmp_path: Path, shape: str) -> None:
    root = tmp_path / "p"
    marker = tmp_path / "marker"
    artifact_id = str(uuid.uuid4())
    evil = root / "innocent" / "evil" / artifact_id
    evil.mkdir(parents=True)
    code = EVIL.format(marker=marker, target=evil / "data.pkl")
    assert py(root, "-c", code).returncode == 0
    sha, size = _legacy_digest(evil)
    extra = {}
    if shape == "legacy_uri_outside":
        extra = {"uri": f"innocent/evil/{artifact_id}"}
    elif shape == "hash_of_repo_file":  # the pickle's own hash: only the store is ever read
        sha = hashlib.sha256((evil / "data.pkl").read_bytes()).hexdigest()
    else:
        sha = f"../innocent/evil/{artifact_id}/data.pkl"
    (root / ".zenml" / "artifacts" / "model").mkdir(parents=True)
    (root / ".zenml" / "artifacts" / "model" / "1.yaml").write_text(
        _manifest_text("model", artifact_id, sha, size, **extra)
    )
    loaded = py(root, "-c", "from zenml_cli import load_artifact; load_artifact('model')")
    assert loaded.returncode == 1 and not marker.exists(), loaded.stderr
    expected = 3 if shape == "hash_of_repo_file" else 6  # a missing payload, or a bad manifest
    assert zenml(root, "artifact", "describe", "model").returncode in (0, expected)
    doctor = zenml(root, "doctor", "--payloads", "-o", "json")
    assert doctor.returncode == 6 and "model/1.yaml" in doctor.stdout
    if shape != "hash_of_repo_file":
        assert zenml(root, "doctor").returncode == 6
    assert not marker.exists()


@pytest.mark.parametrize(
    "field", [{"entry": "../../etc"}, {"uri": "s3://elsewhere/model/ID"}, {"sha": "AB" * 32}]
)
def test_manifest_fields_that_steer_paths_are_corrupt(
    tmp_path: Path, field: dict[str, str]
) -> None:
    from zenml_cli import Client
    from zenml_cli.errors import CorruptManifestError

    root = tmp_path / "p"
    (root / ".zenml" / "artifacts" / "model").mkdir(parents=True)
    artifact_id = str(uuid.uuid4())
    values = {
        "sha": "a" * 64,
        "size": 1,
        **{k: v.replace("ID", artifact_id) for k, v in field.items()},
    }
    (root / ".zenml" / "artifacts" / "model" / "1.yaml").write_text(
        _manifest_text("model", artifact_id, **values)  # type: ignore[arg-type]
    )
    with pytest.raises(CorruptManifestError, match="1.yaml: field '"):
        Client(root).get_artifact_version("model")


# ------------------------------------------------------------------------------ settings
@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ("ftp://host/x", "unknown protocol 'ftp'"),
        ("s3:bucket", "unknown protocol 's3'"),
        ("gs://bucket/x", "pip install gcsfs"),
        ("az://container/x", "pip install adlfs"),
        # a slash missing: the host would be dropped and /zenml-cli-never-written used
        ("file://shared/zenml-cli-never-written", "needs an absolute path and no host"),
    ],
)
def test_bad_artifact_store_settings_are_exit_5(tmp_path: Path, setting: str, needle: str) -> None:
    import importlib.util

    if "pip install" in needle:
        package = "gcsfs" if "gcs" in needle else "adlfs"
        assert importlib.util.find_spec(package) is None, f"{package} is installed here"
    root = tmp_path / "p"
    (root / ".zenml").mkdir(parents=True)
    (root / ".zenml" / "config.yaml").write_text("format: 1\n")
    done = zenml(root, "doctor", "--payloads", ZENML_ARTIFACT_STORE=setting)
    assert done.returncode == 5 and needle in done.stderr, done.stderr
    moved = zenml(root, "artifact", "migrate", "--to", setting)
    assert moved.returncode == 5 and needle in moved.stderr
    saved = py(root, "-c", "from zenml_cli import save_artifact; save_artifact(1, 'a')",
               ZENML_ARTIFACT_STORE=setting)  # fmt: skip
    assert saved.returncode == 1 and needle in saved.stderr
    assert sorted(p.name for p in root.iterdir()) == [".zenml"]  # no folder named after a URL
    assert not (root / ".zenml" / "artifacts").exists()
    assert not Path("/zenml-cli-never-written").exists()


# ------------------------------------------------------------------------------ legacy layout
def test_old_layout_store_keeps_loading_and_migrate_upgrades_it(tmp_path: Path) -> None:
    root = tmp_path / "p"
    artifact_id = str(uuid.uuid4())
    folder = root / ".zenml" / "artifact_store" / "metrics" / artifact_id
    folder.mkdir(parents=True)
    (folder / "data.json").write_text('{"auc": 0.9}')
    sha, size = _legacy_digest(folder)
    (root / ".zenml" / "artifacts" / "metrics").mkdir(parents=True)
    text = _manifest_text(
        "metrics", artifact_id, sha, size, uri=f".zenml/artifact_store/metrics/{artifact_id}"
    )
    (root / ".zenml" / "artifacts" / "metrics" / "1.yaml").write_text(
        text.replace('"pickle"', '"json"').replace('"ModelArtifact"', '"DataArtifact"')
    )
    load = "from zenml_cli import load_artifact; print(load_artifact('metrics')['auc'])"
    assert py(root, "-c", load).stdout.strip() == "0.9"
    assert zenml(root, "doctor", "--payloads").returncode == 0
    shared = tmp_path / "shared"
    moved = zenml(root, "artifact", "migrate", "--to", f"file://{shared}", "-o", "json")
    assert json.loads(moved.stdout)["legacy_upgraded"] == 1, moved.stderr
    upgraded = (root / ".zenml" / "artifacts" / "metrics" / "1.yaml").read_text()
    assert "uri" not in upgraded and sha not in upgraded
    assert py(root, "-c", load).stdout.strip() == "0.9"
    (folder / "data.json").unlink()  # the new store alone serves it now
    assert py(root, "-c", load).stdout.strip() == "0.9"


def _payload_backends(tmp_path: Path) -> list[PayloadStore]:
    import fsspec

    prefix = f"/bucket-{uuid.uuid4().hex}"
    remote = FsspecPayloadStore(
        fsspec.filesystem("memory"), prefix, f"memory://{prefix}", tmp_path / "cache"
    )
    return [LocalPayloadStore(tmp_path / "local", (tmp_path / "local").as_uri()), remote]


def test_every_payload_backend_removes_an_object_once(tmp_path: Path) -> None:
    """``remove`` is part of the backend protocol: True when the object was there (and it is
    gone after), False when it was not."""
    for backend in _payload_backends(tmp_path):
        digest = backend.put_bytes(b"weights")
        assert backend.exists(digest.sha256), backend.url
        assert backend.remove(digest.sha256) is True
        assert not backend.exists(digest.sha256)
        assert backend.remove(digest.sha256) is False


def test_only_a_folder_removes_unused_payloads_on_delete(tmp_path: Path) -> None:
    """Object-store payloads stay on delete (other clones may name them; README)."""
    local, remote = _payload_backends(tmp_path)
    assert (local.removes_unused, remote.removes_unused) == (True, False)
