"""Issue 18, payload findings (DESIGN section 12): a commit never makes a load run code or
return bytes this machine did not verify, committed options never send payloads elsewhere, a
same-size object is never taken for the right one, and a folder payload never expands beyond
its recorded size.

Real parts only: real git (commits that force-add files, fresh ``git clone``s, pulls), loads in
separate Python processes, the installed ``zenml``, and moto's S3 server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest

from support.payload_stores import (
    artifact_manifest,
    clone,
    evil_pickle,
    git,
    load,
    manifest,
    new_repo,
    object_path,
    plant,
    py,
    save,
    sha256_of,
    zenml,
)

#: Loads an artifact in a fresh process; exits with the error's exit code and prints it.


@pytest.fixture
def bucket(request: pytest.FixtureRequest) -> tuple[str, Any]:
    """The moto bucket of ``test_artifact_stores``: (its s3:// URL, an s3fs client)."""
    found: tuple[str, Any] = request.getfixturevalue("s3")
    return found


# ------------------------------------------------------------------------------ finding 3
@pytest.mark.slow
@pytest.mark.parametrize(
    ("setting", "store"),
    [
        (".zenml/artifact_store", ".zenml/artifact_store"),
        ("payloads", "payloads"),  # any folder of the work tree
        ("file:///proc/self/cwd/payloads", "payloads"),  # however it is spelled
    ],
)
def test_a_planted_object_never_loads_in_a_fresh_clone(
    tmp_path: Path, setting: str, store: str
) -> None:
    marker = tmp_path / "marker"
    data = evil_pickle(marker)
    sha = hashlib.sha256(data).hexdigest()
    attacker = new_repo(tmp_path / "attacker", f"format: 1\nartifact_store: {setting}\n")
    plant(attacker, {
        object_path(sha, store): data,
        ".zenml/artifacts/model/1.yaml": artifact_manifest("model", sha, len(data)).encode(),
    })  # fmt: skip
    # the victim even accepted the store's URL: what the checkout wrote is still never used
    victim = clone(attacker, tmp_path / "victim", accepting=setting)
    assert (victim / object_path(sha, store)).is_file()  # the checkout wrote it
    loaded = load(victim, "model")
    assert loaded.returncode == 6, loaded.stderr
    assert "not written on this machine" in loaded.stdout and not marker.exists()
    doctor = zenml(victim, "doctor", "-o", "json")
    assert doctor.returncode == 6
    assert object_path(sha, store) in doctor.stdout and "committed to git" in doctor.stdout
    payloads = zenml(victim, "doctor", "--payloads", "-o", "json")
    assert payloads.returncode == 6 and "model/1.yaml" in payloads.stdout
    assert not marker.exists()


@pytest.mark.slow
def test_a_planted_object_pulled_into_a_used_clone_never_loads(tmp_path: Path) -> None:
    """The victim has used the store (its ledger exists) before pulling the attack; its own
    payloads keep loading, the planted one never does, even after git stops tracking it."""
    marker = tmp_path / "marker"
    upstream = new_repo(tmp_path / "upstream")
    victim = clone(upstream, tmp_path / "victim")
    saved = save(victim, "[1, 2]", "own")
    assert saved.returncode == 0, saved.stderr
    data = evil_pickle(marker)
    sha = hashlib.sha256(data).hexdigest()
    plant(upstream, {
        object_path(sha): data,
        ".zenml/artifacts/model/1.yaml": artifact_manifest("model", sha, len(data)).encode(),
    })  # fmt: skip
    git(victim, "pull", "-q", "--no-rebase", "origin", "main")
    git(victim, "rm", "-q", "--cached", object_path(sha))  # untracked now: still not trusted
    loaded = load(victim, "model")
    assert loaded.returncode == 6 and not marker.exists(), loaded.stdout + loaded.stderr
    assert load(victim, "own").stdout.strip() == "[1, 2]"


@pytest.mark.slow
def test_a_planted_old_layout_folder_never_loads(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    data = evil_pickle(marker)
    artifact_id = str(uuid.uuid4())
    relative = f".zenml/artifact_store/model/{artifact_id}"
    hasher = hashlib.sha256()  # the pre-content-addressing folder hash
    hasher.update(len(b"data.pkl").to_bytes(8, "big") + b"data.pkl")
    hasher.update(len(data).to_bytes(8, "big") + data)
    text = artifact_manifest("model", hasher.hexdigest(), len(data), artifact_id, uri=relative)
    attacker = new_repo(tmp_path / "attacker")
    plant(attacker, {
        f"{relative}/data.pkl": data, ".zenml/artifacts/model/1.yaml": text.encode(),
    })  # fmt: skip
    victim = clone(attacker, tmp_path / "victim")
    loaded = load(victim, "model")
    assert loaded.returncode == 6, loaded.stdout + loaded.stderr
    assert "not written on this machine" in loaded.stdout and not marker.exists()


@pytest.mark.slow
def test_a_store_from_before_the_ledger_keeps_loading(tmp_path: Path) -> None:
    """Objects saved before this machine kept a ledger are adopted once, if git does not
    track them; a planted (tracked) one in the same store is not."""
    root = new_repo(tmp_path / "p")
    saved = save(root, "{'a': 1}", "own")
    assert saved.returncode == 0, saved.stderr
    shutil.rmtree(root / ".git" / "zenml")  # as an older zenml-cli left it
    marker = tmp_path / "marker"
    data = evil_pickle(marker)
    sha = hashlib.sha256(data).hexdigest()
    plant(root, {
        object_path(sha): data,
        ".zenml/artifacts/model/1.yaml": artifact_manifest("model", sha, len(data)).encode(),
    })  # fmt: skip
    assert load(root, "own").stdout.strip() == "{'a': 1}"
    assert load(root, "model").returncode == 6 and not marker.exists()


@pytest.mark.slow
def test_a_planted_unpacked_folder_in_the_cache_is_never_returned(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    upstream = new_repo(tmp_path / "upstream", f"format: 1\nartifact_store: file://{shared}\n",
                        accepting=f"file://{shared}")  # fmt: skip
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "weights.txt").write_text("genuine")
    assert save(upstream, f"Path({str(tmp_path / 'model')!r})", "m").returncode == 0
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "save")
    sha = sha256_of(upstream, "m")
    plant(upstream, {
        f".zenml/.cache/payloads/trees/{sha}/model/weights.txt": b"planted",
        f".zenml/.cache/payloads/trees/{sha}/model/run.py": b"import os; os.system('x')",
    })  # fmt: skip
    victim = clone(upstream, tmp_path / "victim", accepting=f"file://{shared}")
    show = (
        "from zenml_cli import load_artifact; p = load_artifact('m'); print(p); "
        "print(sorted(x.name for x in p.iterdir())); print((p / 'weights.txt').read_text())"
    )
    loaded = py(victim, "-c", show)
    assert loaded.returncode == 0, loaded.stderr
    where, names, text = loaded.stdout.strip().splitlines()
    assert (names, text) == ("['weights.txt']", "genuine")
    assert Path(where).is_relative_to(victim / ".git")  # out of reach of any checkout
    doctor = zenml(victim, "doctor", "-o", "json")
    assert doctor.returncode == 6 and f"trees/{sha}/model/run.py" in doctor.stdout


@pytest.mark.slow
def test_a_planted_download_cache_entry_is_never_loaded(
    tmp_path: Path, bucket: tuple[str, Any]
) -> None:
    url, _ = bucket
    marker = tmp_path / "marker"
    data = evil_pickle(marker)
    sha = hashlib.sha256(data).hexdigest()
    attacker = new_repo(tmp_path / "attacker", f"format: 1\nartifact_store: {url}\n")
    plant(attacker, {
        f".zenml/.cache/payloads/{sha}": data,
        ".zenml/artifacts/model/1.yaml": artifact_manifest("model", sha, len(data)).encode(),
    })  # fmt: skip
    victim = clone(attacker, tmp_path / "victim", accepting=url)  # the team's bucket
    loaded = load(victim, "model")
    assert loaded.returncode == 3 and "missing from the artifact store" in loaded.stdout
    assert not marker.exists()


# ------------------------------------------------------------------------------ finding 10
@pytest.mark.slow
@pytest.mark.parametrize(
    "options",
    [
        {"s3_additional_kwargs": {"ACL": "public-read"}},
        {"client_kwargs": {"endpoint_url": "http://127.0.0.1:9"}},
        {"endpoint_url": "http://127.0.0.1:9"},
        {"config_kwargs": {"proxies": {"http": "http://127.0.0.1:9"}}},
        {"key": "AKIAEXAMPLE", "secret": "x"},
        {"anon": True},
        {"use_ssl": False},
        {"s3_additional_kwargs": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "k"}},
    ],
)
def test_committed_options_cannot_choose_endpoint_credentials_or_acl(
    tmp_path: Path, bucket: tuple[str, Any], options: dict[str, object]
) -> None:
    url, fs = bucket
    config = {"format": 1, "artifact_store": url, "artifact_store_options": options}
    root = new_repo(tmp_path / "p", json.dumps(config), accepting=url)  # the store, not options
    saved = save(root, "[1]", "a")
    key = next(iter(options))
    assert saved.returncode == 1 and f"'{key}'" in saved.stderr, saved.stderr
    assert "come from the environment (AWS_ENDPOINT_URL" in saved.stderr
    doctor = zenml(root, "doctor", "--payloads")
    assert doctor.returncode == 5 and f"'{key}'" in doctor.stderr
    review = zenml(root, "doctor", "-o", "json")  # CI sees it before anything is uploaded
    assert review.returncode == 6 and f"'{key}'" in review.stdout and "config.yaml" in review.stdout
    assert not fs.find(url.removeprefix("s3://"))  # type: ignore[attr-defined]
    assert not (root / ".zenml" / "artifacts").exists()


@pytest.mark.slow
def test_tuning_options_still_work_and_the_environment_stays_trusted(
    tmp_path: Path, bucket: tuple[str, Any]
) -> None:
    url, fs = bucket
    options = {
        "config_kwargs": {"connect_timeout": 5, "retries": {"max_attempts": 2}},
        "s3_additional_kwargs": {"StorageClass": "STANDARD"},
        "default_block_size": 5 << 20,
    }
    config = {"format": 1, "artifact_store": "unused-folder", "artifact_store_options": options}
    root = new_repo(tmp_path / "p", json.dumps(config))
    saved = py(root, "-c", "from zenml_cli import save_artifact; save_artifact([1], 'a')",
               ZENML_ARTIFACT_STORE=url)  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert len(fs.find(url.removeprefix("s3://"))) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("protocol", "options", "key"),
    [
        ("gcs", {"token": "/tmp/attacker-service-account.json"}, "token"),
        ("gcs", {"endpoint_url": "http://127.0.0.1:9"}, "endpoint_url"),
        ("gcs", {"session_kwargs": {"proxy": "http://x"}}, "session_kwargs"),
        ("gcs", {"project": "someone-elses"}, "project"),
        ("az", {"account_name": "attacker"}, "account_name"),
        ("az", {"account_host": "attacker.example"}, "account_host"),
        ("az", {"credential": "x"}, "credential"),
        ("az", {"connection_string": "x"}, "connection_string"),
        ("abfs", {"anon": True}, "anon"),
        ("s3", {"profile": "other"}, "profile"),
        ("s3", {"config_kwargs": {"connect_timeout": 10**9}}, "config_kwargs"),
        ("gcs", {"requests_timeout": -1}, "requests_timeout"),
    ],
)
def test_each_protocol_refuses_options_that_steer_data(
    protocol: str, options: dict[str, object], key: str
) -> None:
    from zenml_cli.errors import InvalidInputError
    from zenml_cli.store.payloads.options import checked_options

    with pytest.raises(InvalidInputError, match=f"'{key}'") as caught:
        checked_options(protocol, options, f"{protocol}://bucket/x")
    assert caught.value.exit_code == 5 and "from the environment" in str(caught.value)


# ------------------------------------------------------------------------------ finding 11
def _wrong_same_size(data: bytes) -> bytes:
    return bytes(b ^ 0xFF for b in data)


@pytest.mark.slow
def test_migrate_to_s3_replaces_a_same_size_impostor(
    tmp_path: Path, bucket: tuple[str, Any]
) -> None:
    url, fs = bucket
    root = new_repo(tmp_path / "p")
    saved = save(root, "b'payload' * 50", "a")
    assert saved.returncode == 0, saved.stderr
    sha = sha256_of(root, "a")
    key = f"{url.removeprefix('s3://')}/sha256/{sha[:2]}/{sha}"
    fs.pipe_file(key, _wrong_same_size(b"payload" * 50))  # type: ignore[attr-defined]
    moved = zenml(root, "artifact", "migrate", "--to", url, "-o", "json")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["objects_copied"] == 1
    assert fs.cat_file(key) == b"payload" * 50  # type: ignore[attr-defined]
    shutil.rmtree(root / ".zenml" / "artifact_store")  # S3 alone serves it now
    assert load(root, "a").stdout.strip() == repr(b"payload" * 50)
    again = zenml(root, "artifact", "migrate", "--to", url, "-o", "json")
    assert json.loads(again.stdout)["objects_present"] == 1  # verified, so not copied again


@pytest.mark.slow
def test_put_to_s3_replaces_a_same_size_impostor(tmp_path: Path, bucket: tuple[str, Any]) -> None:
    url, fs = bucket
    data = b"model bytes" * 20
    sha = hashlib.sha256(data).hexdigest()
    key = f"{url.removeprefix('s3://')}/sha256/{sha[:2]}/{sha}"
    fs.pipe_file(key, _wrong_same_size(data))  # type: ignore[attr-defined]
    root = new_repo(tmp_path / "p", f"format: 1\nartifact_store: {url}\n", accepting=url)
    assert save(root, repr(data), "a").returncode == 0
    assert fs.cat_file(key) == data  # type: ignore[attr-defined]
    assert load(root, "a").stdout.strip() == repr(data)


@pytest.mark.slow
def test_migrate_and_put_to_a_folder_replace_a_same_size_impostor(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / ".zenml").mkdir(parents=True)
    data = b"x" * 300
    sha = hashlib.sha256(data).hexdigest()
    local = root / object_path(sha)
    local.parent.mkdir(parents=True)
    local.write_bytes(_wrong_same_size(data))  # a damaged object of the same size
    assert save(root, repr(data), "a").returncode == 0
    assert local.read_bytes() == data  # put replaced it
    target = tmp_path / "target"
    planted = target / "sha256" / sha[:2] / sha
    planted.parent.mkdir(parents=True)
    planted.write_bytes(_wrong_same_size(data))
    moved = zenml(root, "artifact", "migrate", "--to", f"file://{target}", "-o", "json")
    assert moved.returncode == 0 and json.loads(moved.stdout)["objects_copied"] == 1
    assert planted.read_bytes() == data
    assert load(root, "a").stdout.strip() == repr(data)


# ------------------------------------------------------------------------------ finding 12
def sparse_archive(top: str, real_size: int) -> bytes:
    """A tar whose one file is a GNU sparse member: 512 stored bytes that unpack to
    ``real_size`` (the header's word), built from the header bytes."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tar:
        folder = tarfile.TarInfo(top)
        folder.type, folder.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(folder)
        info = tarfile.TarInfo(f"{top}/big.bin")
        info.size = 512
        header = bytearray(info.tobuf(tarfile.GNU_FORMAT))
        header[156:157] = tarfile.GNUTYPE_SPARSE
        header[386:398] = b"%011o\0" % (real_size - 512)  # one chunk: the last 512 bytes
        header[398:410] = b"%011o\0" % 512
        header[483:495] = b"%011o\0" % real_size
        header[148:156] = b" " * 8
        header[148:156] = b"%06o\0 " % sum(header[:512])
        tar.fileobj.write(bytes(header[:512]) + b"A" * 512)  # type: ignore[union-attr]
        tar.offset += 1024
    return out.getvalue()


@pytest.mark.slow
def test_a_sparse_folder_payload_never_expands(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / ".zenml").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "small.txt").write_text("x")
    assert save(root, f"Path({str(tmp_path / 'data')!r})", "d").returncode == 0
    archive = sparse_archive("data", 128 << 20)
    assert len(archive) <= 10 << 10
    with tarfile.open(fileobj=io.BytesIO(archive)) as check:  # the header says 128 MiB
        assert [m.size for m in check if m.issparse()] == [128 << 20]
    sha = hashlib.sha256(archive).hexdigest()
    (root / object_path(sha)).parent.mkdir(parents=True, exist_ok=True)
    (root / object_path(sha)).write_bytes(archive)
    path = manifest(root, "d")
    text = path.read_text().replace(sha256_of(root, "d"), sha)
    path.write_text(
        "\n".join(
            f"size: {len(archive)}" if line.startswith("size:") else line
            for line in text.splitlines()
        )
        + "\n"
    )
    loaded = load(root, "d")
    assert loaded.returncode == 6 and "big.bin" in loaded.stdout, loaded.stdout + loaded.stderr
    cache = root / ".zenml" / ".cache" / "payloads"
    sizes = [p.stat().st_size for p in cache.rglob("*") if p.is_file()] if cache.exists() else []
    assert all(size < 1 << 20 for size in sizes)
    doctor = zenml(root, "doctor", "--payloads", "-o", "json")
    assert doctor.returncode == 6 and "d/1.yaml" in doctor.stdout and "big.bin" in doctor.stdout


def test_a_folder_archive_cannot_claim_more_than_it_holds(tmp_path: Path) -> None:
    from zenml_cli.store.payloads.local_files import PayloadMismatchError, extract_tar

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("top/a.bin")
        info.size = 4096
        tar.addfile(info, io.BytesIO(b"a" * 4096))
    archive = tmp_path / "a.tar"
    archive.write_bytes(out.getvalue())
    with pytest.raises(PayloadMismatchError, match="beyond the archive's own 1000 bytes"):
        extract_tar(archive, tmp_path / "out", "test", 1000)  # a bound below what it holds
    extract_tar(archive, tmp_path / "ok", "test", len(out.getvalue()))
    assert (tmp_path / "ok" / "top" / "a.bin").read_bytes() == b"a" * 4096


def test_an_old_layout_folder_holding_a_link_is_never_read(tmp_path: Path) -> None:
    """The old folder hash follows links, so a link could pull any readable file of this
    machine into a payload; zenml-cli never wrote links there, so none is read."""
    root = tmp_path / "p"
    artifact_id = str(uuid.uuid4())
    relative = f".zenml/artifact_store/notes/{artifact_id}"
    folder = root / relative
    folder.mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("private")
    (folder / "notes.txt").symlink_to(outside)
    hasher = hashlib.sha256()
    hasher.update(len(b"notes.txt").to_bytes(8, "big") + b"notes.txt")
    hasher.update(len(b"private").to_bytes(8, "big") + b"private")
    text = artifact_manifest(
        "notes", hasher.hexdigest(), 7, artifact_id, uri=relative,
        materializer="path", entry="notes.txt",
    )  # fmt: skip
    (root / ".zenml" / "artifacts" / "notes").mkdir(parents=True)
    (root / ".zenml" / "artifacts" / "notes" / "1.yaml").write_text(text)
    loaded = load(root, "notes")
    assert loaded.returncode == 6 and "holds a link" in loaded.stdout, loaded.stdout


@pytest.mark.slow
def test_a_remote_object_larger_than_recorded_is_never_downloaded(
    tmp_path: Path, bucket: tuple[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    url, fs = bucket
    root = new_repo(tmp_path / "p", f"format: 1\nartifact_store: {url}\n", accepting=url)
    assert save(root, "b'small'", "a").returncode == 0
    sha = sha256_of(root, "a")
    key = f"{url.removeprefix('s3://')}/sha256/{sha[:2]}/{sha}"
    fs.pipe_file(key, b"small" + b"\0" * (1 << 20))  # type: ignore[attr-defined]
    shutil.rmtree(root / ".git" / "zenml" / "payloads" / "cache", ignore_errors=True)
    caplog.set_level(logging.INFO, logger="werkzeug")
    caplog.clear()
    loaded = load(root, "a")
    assert loaded.returncode == 6 and "not the 5 recorded" in loaded.stdout, loaded.stdout
    requests = [r.getMessage() for r in caplog.records if key in r.getMessage()]
    assert requests and not [r for r in requests if '"GET ' in r], requests


def test_a_header_claiming_an_enormous_extended_header_is_refused(tmp_path: Path) -> None:
    """tarfile reads a pax header whole, in one allocation of the size it claims."""
    from zenml_cli.store.payloads.local_files import PayloadMismatchError, check_tar, extract_tar

    info = tarfile.TarInfo("././@PaxHeader")
    info.type = tarfile.XHDTYPE
    header = bytearray(info.tobuf(tarfile.USTAR_FORMAT))
    header[124:136] = b"\x80" + (1 << 62).to_bytes(11, "big")  # base-256 size: 4 EiB
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header[:512])
    archive = tmp_path / "a.tar"
    archive.write_bytes(bytes(header[:512]) + b"\0" * 9728)
    with pytest.raises(PayloadMismatchError, match="does not unpack"):
        check_tar(archive, "test", archive.stat().st_size)
    with pytest.raises(PayloadMismatchError, match="does not unpack"):
        extract_tar(archive, tmp_path / "out", "test", archive.stat().st_size)


@pytest.mark.slow
def test_migrate_into_the_work_tree_copies_over_an_object_it_did_not_write(
    tmp_path: Path,
) -> None:
    """A target folder in the work tree that already has the object, but not from this
    machine, would serve nothing after the switch: migrate copies it again (and records it)."""
    shared = tmp_path / "shared"
    root = new_repo(tmp_path / "p", f"format: 1\nartifact_store: file://{shared}\n",
                    accepting=f"file://{shared}")  # fmt: skip
    assert save(root, "b'abc'", "a").returncode == 0
    sha = sha256_of(root, "a")
    plant(root, {object_path(sha, "payloads"): b"abc"})  # the same bytes, through git
    moved = zenml(root, "artifact", "migrate", "--to", "payloads", "-o", "json")
    assert moved.returncode == 0 and json.loads(moved.stdout)["objects_copied"] == 1, moved.stderr
    shutil.rmtree(shared)
    assert load(root, "a").stdout.strip() == repr(b"abc")


@pytest.mark.slow
@pytest.mark.parametrize("level", ["sha256", "sha256/xx"])
def test_a_committed_link_inside_the_store_is_never_written_through(
    tmp_path: Path, level: str
) -> None:
    data = b"abc"
    sha = hashlib.sha256(data).hexdigest()
    outside = tmp_path / "outside"
    outside.mkdir()
    root = new_repo(tmp_path / "p")
    link = root / ".zenml" / "artifact_store" / level.replace("xx", sha[:2])
    link.parent.mkdir(parents=True)
    link.symlink_to(outside, target_is_directory=True)
    git(root, "add", "-f", str(link.relative_to(root)))
    git(root, "commit", "-q", "-m", "plant a link")
    victim = clone(root, tmp_path / "victim")
    saved = save(victim, repr(data), "a")
    assert saved.returncode == 1 and "is a link" in saved.stderr, saved.stderr
    assert list(outside.iterdir()) == []
    assert not (victim / ".zenml" / "artifacts").exists()


@pytest.mark.slow
def test_a_manifest_cannot_unpickle_bytes_this_machine_saved_as_data(tmp_path: Path) -> None:
    """A step saved a download (which happens to be a pickle) as bytes; a commit adds a
    manifest naming the same hash with materializer pickle. The bytes stay data."""
    marker = tmp_path / "marker"
    data = evil_pickle(marker)
    upstream = new_repo(tmp_path / "upstream")
    victim = clone(upstream, tmp_path / "victim")
    assert save(victim, repr(data), "download").returncode == 0
    assert save(victim, "{1, 2}", "own_pickle").returncode == 0  # a set: pickled
    sha = hashlib.sha256(data).hexdigest()
    manifest_text = artifact_manifest("model", sha, len(data)).encode()
    plant(upstream, {".zenml/artifacts/model/1.yaml": manifest_text})
    git(victim, "pull", "-q", "--no-rebase", "origin", "main")
    loaded = load(victim, "model")
    assert loaded.returncode == 6 and "saved these bytes as data" in loaded.stdout, loaded.stdout
    assert not marker.exists()
    assert load(victim, "download").stdout.strip() == repr(data)
    assert load(victim, "own_pickle").stdout.strip() == "{1, 2}"
    doctor = zenml(victim, "doctor", "--payloads", "-o", "json")
    assert doctor.returncode == 6 and "model/1.yaml" in doctor.stdout
    assert "download" not in doctor.stdout and not marker.exists()
