"""``artifact_store_options`` from config.yaml: only what cannot send payloads elsewhere.

config.yaml is committed, so a pull request can change it (DESIGN section 12). fsspec options
can choose the endpoint (``endpoint_url``, ``client_kwargs``, ``account_host``), the
credentials (``key``, ``token``, ``account_key``, ``anon``, ``profile``, ...), proxies and TLS
(``config_kwargs.proxies``, ``use_ssl``, ``session_kwargs``) and access control
(``s3_additional_kwargs: {ACL: public-read}``, KMS keys, grants). Those come from each SDK's
environment (``AWS_ENDPOINT_URL``, ``AWS_PROFILE``, ``GOOGLE_APPLICATION_CREDENTIALS``,
``AZURE_STORAGE_ACCOUNT_NAME``, ...), which the person or CI job running zenml controls. So the
options are an allow-list of tuning knobs per protocol, each with the type (and, for numbers,
the range) it may have; anything else is refused naming the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zenml_cli.errors import InvalidInputError

Rule = Callable[[Any], bool]


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


def _count(top: int) -> Rule:
    return lambda value: type(value) is int and 1 <= value <= top


def _seconds(value: Any) -> bool:  # bounded: a committed file must not make a command hang
    return type(value) in (int, float) and 0 < value <= 600


def _one_of(*choices: str) -> Rule:
    return lambda value: value in choices


_BLOCK = _count(1 << 30)
_MODES = _one_of("legacy", "standard", "adaptive")
_S3_CONFIG: dict[str, Rule] = {
    "connect_timeout": _seconds,
    "read_timeout": _seconds,
    "max_pool_connections": _count(128),
    "retries": lambda value: _nested(value, {"max_attempts": _count(10), "mode": _MODES}),
}
_S3_EXTRA: dict[str, Rule] = {
    "StorageClass": _one_of(
        "STANDARD",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER_IR",
        "REDUCED_REDUNDANCY",
    ),
    "ServerSideEncryption": _one_of("AES256"),  # a KMS key could be someone else's
}
ALLOWED: dict[str, dict[str, Rule]] = {
    "s3": {
        "default_block_size": _BLOCK,
        "default_cache_type": _one_of("none", "bytes", "readahead", "blockcache", "first"),
        "default_fill_cache": _flag,
        "version_aware": _flag,
        "cache_regions": _flag,
        "max_concurrency": _count(64),
        "fixed_upload_size": _flag,
        "requester_pays": _flag,
        "config_kwargs": lambda value: _nested(value, _S3_CONFIG),
        "s3_additional_kwargs": lambda value: _nested(value, _S3_EXTRA),
    },
    "gcs": {
        "block_size": _BLOCK,
        "consistency": _one_of("none", "size", "md5", "crc32c"),
        "cache_timeout": _seconds,
        "requests_timeout": _seconds,
        "timeout": _seconds,
        "requester_pays": _flag,
        "version_aware": _flag,
        "check_connection": _flag,
    },
    "az": {
        "blocksize": _BLOCK,
        "max_concurrency": _count(64),
        "timeout": _seconds,
        "connection_timeout": _seconds,
        "read_timeout": _seconds,
        "socket_timeout": _seconds,
        "default_cache_type": _one_of("none", "bytes", "readahead", "blockcache", "first"),
        "default_fill_cache": _flag,
        "version_aware": _flag,
        "assume_container_exists": _flag,
    },
}
ALLOWED["abfs"] = ALLOWED["az"]
#: Where the settings that are refused come from instead.
ENVIRONMENT = {
    "s3": "AWS_ENDPOINT_URL, AWS_PROFILE, AWS_ACCESS_KEY_ID, ~/.aws/config",
    "gcs": "GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CLOUD_PROJECT, gcloud's login",
    "az": "AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_CONNECTION_STRING, az login",
    "abfs": "AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_CONNECTION_STRING, az login",
}


def _nested(value: Any, rules: dict[str, Rule]) -> bool:
    if not isinstance(value, dict):
        return False
    return all(key in rules and rules[key](item) for key, item in value.items())


def checked_options(protocol: str, options: dict[str, Any], url: str) -> dict[str, Any]:
    """``options`` if every key is an allowed tuning knob with a sensible value; else
    InvalidInputError (exit 5) naming the first key that is not."""
    rules = ALLOWED.get(protocol, {})
    for key, value in options.items():
        rule = rules.get(str(key))
        if rule is not None and rule(value):
            continue
        nested = isinstance(value, dict) and rule is not None
        problem = (
            f"has a key or value that is not allowed in {value!r}"
            if nested
            else ("has a value that is not allowed" if rule is not None else "is not allowed")
        )
        raise InvalidInputError(
            f"artifact_store_options for {url}: '{key}' {problem}: config.yaml is committed, "
            "so it may only tune the store, never choose its endpoint, credentials, proxies "
            f"or access control; those come from the environment ({ENVIRONMENT[protocol]}). "
            f"Allowed here: {', '.join(sorted(rules))}"
        )
    return options
