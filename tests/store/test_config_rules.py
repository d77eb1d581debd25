"""The committed settings and the write primitives at the store boundary, in process:
config.yaml's fields are checked as untrusted input (store/config.py), artifact store options
are an allow-list (store/payloads/options.py), atomic writes and appends never leave half a file
or write through a link (store/atomic.py), and times keep one format (core/actor.py)."""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from zenml_cli.core.actor import (
    acting_as,
    current_actor,
    current_ci_run,
    from_timestamp,
    parse_time,
    timestamp,
)
from zenml_cli.errors import CorruptManifestError, InvalidInputError
from zenml_cli.store.atomic import append_line, atomic_write, link_out_of
from zenml_cli.store.config import GitSettings, StoreConfig
from zenml_cli.store.git.intents import Intent
from zenml_cli.store.layout import TEMP_PREFIX
from zenml_cli.store.payloads.artifact_store import REMOTE_SCHEMES
from zenml_cli.store.payloads.options import ALLOWED, ENVIRONMENT, checked_options

# ------------------------------------------------------------------ git settings


@pytest.mark.parametrize(
    "settings",
    [
        GitSettings(),
        GitSettings(remote="upstream", branch="main"),
        GitSettings(retries=3, push_timeout=60.0, review_branch="zenml/review"),
    ],
)
def test_git_settings_round_trip(settings: GitSettings) -> None:
    assert GitSettings.from_manifest(settings.to_manifest(), "config.yaml") == settings


def test_git_settings_write_only_what_differs_from_the_defaults() -> None:
    assert GitSettings().to_manifest() == {"remote": "origin", "branch": None}
    assert GitSettings(push_options=("ci.skip",)).to_manifest() == GitSettings().to_manifest()


def test_git_settings_are_read_trimmed() -> None:
    data = {"remote": " upstream ", "branch": " main ", "review_branch": " r "}
    read = GitSettings.from_manifest(data, "config.yaml")
    assert (read.remote, read.branch, read.review_branch) == ("upstream", "main", "r")
    assert GitSettings.from_manifest(None, "config.yaml") == GitSettings()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "git must be a mapping"),
        ({"push_options": ["x"]}, "unknown git setting(s): push_options"),
        ({"url": "x", "token": "y"}, "unknown git setting(s): token, url"),
        ({"remote": ""}, "git.remote must be the name"),
        ({"remote": 3}, "git.remote must be the name"),
        ({"branch": "  "}, "git.branch must be a branch name"),
        ({"branch": ["main"]}, "git.branch must be a branch name"),
        ({"review_branch": 1}, "git.review_branch must be a branch name"),
        ({"retries": 0}, "git.retries must be a whole number"),
        ({"retries": True}, "git.retries must be a whole number"),
        ({"retries": 2.5}, "git.retries must be a whole number"),
        ({"push_timeout": 0.5}, "git.push_timeout must be seconds"),
        ({"push_timeout": 86401}, "git.push_timeout must be seconds"),
        ({"push_timeout": math.inf}, "git.push_timeout must be seconds"),
        ({"push_timeout": "60"}, "git.push_timeout must be seconds"),
    ],
)
def test_committed_git_settings_of_the_wrong_shape_are_a_corrupt_config(
    data: Any, fragment: str
) -> None:
    with pytest.raises(CorruptManifestError) as caught:
        GitSettings.from_manifest(data, "config.yaml")
    assert fragment in str(caught.value) and caught.value.exit_code == 6


# ------------------------------------------------------------------ config.yaml


def test_a_config_round_trips() -> None:
    config = StoreConfig(
        manifest_format="json",
        lock_timeout=3.0,
        policies={"strict_force": True, "production_requires_staging": False},
        artifact_store="s3://bucket/prefix",
        git=GitSettings(remote="upstream"),
        artifact_store_options={"max_concurrency": 4},
    )
    data = config.to_manifest(1)
    assert data["format"] == 1
    assert StoreConfig.from_manifest(data, "config.yaml") == config


def test_a_default_config_names_no_git_or_options() -> None:
    data = StoreConfig().to_manifest(1)
    assert "git" not in data and "artifact_store_options" not in data
    assert StoreConfig.from_manifest({"format": 1}, "config.yaml") == StoreConfig(policies={})


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"manifest_format": "toml"}, "manifest_format must be yaml or json"),
        ({"policies": ["strict_force"]}, "policies must be a mapping"),
        ({"artifact_store_options": "x"}, "artifact_store_options must be a mapping"),
        ({"lock_timeout": -1}, "lock_timeout must be more than 0"),
        ({"lock_timeout": ".inf"}, "lock_timeout must be a number of seconds"),
        ({"git": {"remote": ""}}, "git.remote"),
        # read loosely before: false/0/"" meant "none", anything meant a store as str(x)
        ({"policies": False}, "policies must be a mapping, not False"),
        ({"artifact_store_options": 0}, "artifact_store_options must be a mapping, not 0"),
        ({"artifact_store": 3}, "artifact_store must be a folder or a URL (text), not 3"),
        ({"artifact_store": ["s3://b"]}, "artifact_store must be a folder or a URL"),
        ({"artifact_store": " "}, "artifact_store must be a folder or a URL"),
        # a typo (or a newer zenml-cli's setting) is named, never silently ignored
        ({"lock_timout": 60}, "unknown setting(s) 'lock_timout' (known: artifact_store, "),
        ({"format": 2}, "unknown config format 2 (this zenml-cli reads config format 1)"),
    ],
)
def test_a_committed_config_of_the_wrong_shape_is_corrupt(
    data: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(CorruptManifestError) as caught:
        StoreConfig.from_manifest({"format": 1, **data}, "config.yaml")
    assert fragment in caught.value.problem


def test_the_environment_lock_timeout_wins_and_is_checked_as_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZENML_LOCK_TIMEOUT", "2.5")
    assert StoreConfig.from_manifest({"format": 1, "lock_timeout": 99}, "c").lock_timeout == 2.5
    # a committed bad value does not matter while the environment gives a good one
    assert StoreConfig.from_manifest({"format": 1, "lock_timeout": -5}, "c").lock_timeout == 2.5
    for bad in ("nan", "inf", "-1", "0", "soon"):
        monkeypatch.setenv("ZENML_LOCK_TIMEOUT", bad)
        with pytest.raises(InvalidInputError, match="ZENML_LOCK_TIMEOUT"):
            StoreConfig.from_manifest({"format": 1}, "c")


# ------------------------------------------------------------------ artifact store options


def test_every_remote_protocol_has_an_allow_list_and_an_environment_hint() -> None:
    protocols = {protocol for protocol, _, _ in REMOTE_SCHEMES.values()}
    assert protocols <= set(ALLOWED) and protocols <= set(ENVIRONMENT)


@pytest.mark.parametrize(
    ("protocol", "options"),
    [
        ("s3", {"max_concurrency": 8, "version_aware": True}),
        ("s3", {"config_kwargs": {"retries": {"max_attempts": 3, "mode": "adaptive"}}}),
        ("s3", {"s3_additional_kwargs": {"ServerSideEncryption": "AES256"}}),
        ("gcs", {"consistency": "md5", "timeout": 30}),
        ("az", {"blocksize": 1024, "assume_container_exists": False}),
        ("abfs", {"max_concurrency": 2}),
        ("s3", {}),
    ],
)
def test_tuning_knobs_pass(protocol: str, options: dict[str, Any]) -> None:
    assert checked_options(protocol, options, "s3://b") is options


@pytest.mark.parametrize(
    ("protocol", "options", "key", "fragment"),
    [
        ("s3", {"endpoint_url": "http://evil"}, "endpoint_url", "is not allowed"),
        ("s3", {"key": "AKIA"}, "key", "is not allowed"),
        ("s3", {"anon": True}, "anon", "is not allowed"),
        ("s3", {"max_concurrency": 0}, "max_concurrency", "value that is not allowed"),
        ("s3", {"max_concurrency": True}, "max_concurrency", "value that is not allowed"),
        ("s3", {"version_aware": "yes"}, "version_aware", "value that is not allowed"),
        ("s3", {"config_kwargs": {"proxies": {"https": "x"}}}, "config_kwargs", "key or value"),
        ("s3", {"config_kwargs": {"connect_timeout": 601}}, "config_kwargs", "key or value"),
        ("s3", {"s3_additional_kwargs": {"ACL": "public-read"}}, "s3_additional_kwargs", "key"),
        ("s3", {"s3_additional_kwargs": {"ServerSideEncryption": "aws:kms"}}, "s3_add", "key"),
        ("gcs", {"token": "anon"}, "token", "is not allowed"),
        ("gcs", {"timeout": math.inf}, "timeout", "value that is not allowed"),
        ("az", {"account_host": "evil"}, "account_host", "is not allowed"),
        ("az", {"connection_string": "x"}, "connection_string", "is not allowed"),
    ],
)
def test_options_that_could_send_payloads_elsewhere_are_refused(
    protocol: str, options: dict[str, Any], key: str, fragment: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        checked_options(protocol, options, "s3://bucket")
    message = str(caught.value)
    assert f"'{key}" in message and fragment in message
    assert ENVIRONMENT[protocol] in message and "\n" not in message


# ------------------------------------------------------------------ atomic writes


def test_an_atomic_write_replaces_the_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "m.yaml"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["m.yaml"]


def test_an_atomic_write_keeps_the_umasks_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "m.yaml", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "m.yaml").stat().st_mode & 0o777 == 0o644


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "m.yaml"
    atomic_write(target, b"old")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_append_adds_whole_lines(tmp_path: Path) -> None:
    log = tmp_path / "history.jsonl"
    append_line(log, b'{"seq": 1}')
    append_line(log, b'{"seq": 2}\n')
    assert log.read_bytes() == b'{"seq": 1}\n{"seq": 2}\n'


def test_append_never_writes_through_a_link_or_recreates_a_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"keep")
    link = tmp_path / "history.jsonl"
    link.symlink_to(secret)
    with pytest.raises(CorruptManifestError, match="symbolic link"):
        append_line(link, b"x")
    assert secret.read_bytes() == b"keep"
    with pytest.raises(FileNotFoundError):
        append_line(tmp_path / "moved-away" / "history.jsonl", b"x")
    assert not (tmp_path / "moved-away").exists()


def test_a_link_out_of_the_store_is_found_on_the_way(tmp_path: Path) -> None:
    root = tmp_path / "store"
    (root / "models").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "models" / "iris").symlink_to(outside)
    (root / "inside").symlink_to(root / "models")
    assert link_out_of(root / "models" / "iris" / "model.yaml", root) == root / "models" / "iris"
    assert link_out_of(root / "inside" / "x", root) is None  # a link within the store is fine
    assert link_out_of(root / "models" / "rose" / "model.yaml", root) is None
    assert link_out_of(tmp_path / "elsewhere", root) is None


# ------------------------------------------------------------------ times and actors


def test_timestamps_round_trip_to_the_microsecond() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert timestamp(moment) == "2026-01-02T03:04:05.000006Z"
    assert from_timestamp(timestamp(moment)) == moment


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000000Z"),
        ("2026-01-02T05:04:05+02:00", "2026-01-02T03:04:05.000000Z"),
        ("2026-01-02", "2026-01-02T00:00:00.000000Z"),
        (" 2026-01-02T03:04:05.5 ", "2026-01-02T03:04:05.500000Z"),
    ],
)
def test_a_given_time_is_stored_in_utc(given: str, stored: str) -> None:
    assert parse_time(given) == stored


@pytest.mark.parametrize("given", ["yesterday", "2026-13-01", "", "01/02/2026"])
def test_a_time_that_is_not_iso_8601_is_invalid_input(given: str) -> None:
    with pytest.raises(InvalidInputError, match="use ISO 8601"):
        parse_time(given)


def test_a_write_applied_for_someone_else_names_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_RUN_ID", "77")
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "2")
    assert current_ci_run() == "GITHUB_RUN_ID=77.2"
    with acting_as("owner", "CI_PIPELINE_ID=5"):
        assert (current_actor(), current_ci_run()) == ("owner", "CI_PIPELINE_ID=5")
        with acting_as("inner", None):
            assert (current_actor(), current_ci_run()) == ("inner", None)
        assert current_actor() == "owner"
    assert current_ci_run() == "GITHUB_RUN_ID=77.2"


# ------------------------------------------------------------------ queued intents


def intent_text(**changes: Any) -> str:
    data = {"kind": "create_version", "args": {"model": "iris"}, "actor": "a", "ci_run": None}
    data["expires"] = 1_900_000_000.5
    return json.dumps({**data, **changes})


def test_a_well_formed_intent_parses_and_writes_back_the_same_body() -> None:
    intent = Intent.parse("id-1", "abc", intent_text())
    assert intent is not None and (intent.kind, intent.actor, intent.expires) == (
        "create_version",
        "a",
        1_900_000_000.5,
    )
    again = Intent.parse("id-1", "abc", intent.body())
    assert again == intent


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        intent_text(kind=1),
        intent_text(args=[]),
        intent_text(actor=None),
        intent_text(expires="soon"),
        intent_text(expires=True),
        intent_text(ci_run=5),
        intent_text(expires=10**400),  # past float's range: ignored, not an OverflowError
        intent_text(expires=-(10**400)),
        '{"kind": "create_version", "args": {}, "actor": "a", "expires": NaN}',
        '{"kind": "create_version", "args": {}, "actor": "a", "expires": Infinity}',
    ],
)
def test_a_malformed_intent_from_the_remote_is_ignored(text: str) -> None:
    assert Intent.parse("id-1", "abc", text) is None


def test_setting_one_config_value_keeps_the_others_as_the_file_has_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenml_cli.store import Store

    store = Store(tmp_path)
    store.ensure_created()
    config = tmp_path / ".zenml" / "config.yaml"
    config.write_text("format: 1\nlock_timeout: 30\nartifact_store: a\nfrom_a_newer_cli: 1\n")
    monkeypatch.setenv("ZENML_LOCK_TIMEOUT", "2")
    store.set_config_value("artifact_store", "b")
    assert (
        config.read_text()
        == "format: 1\nlock_timeout: 30\nartifact_store: b\nfrom_a_newer_cli: 1\n"
    )
