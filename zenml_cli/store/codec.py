"""Encode and decode manifests: deterministic bytes in, validated dicts out.

Determinism matters because manifests live in git: writing the same state twice must give
the same bytes, so a promotion shows as a one-line diff and nothing else churns. Keys keep the
order the caller built them in (records build them in one fixed order), text is UTF-8 with LF
line endings, and no timestamp is added here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zenml_cli.errors import CorruptManifestError

#: The on-disk format this code reads and writes. Bumped only with a migration.
FORMAT_VERSION = 1
MANIFEST_FORMATS = ("yaml", "json")


def encode(data: dict[str, Any], fmt: str) -> bytes:
    """Serialise one manifest. ``fmt`` is ``yaml`` or ``json``."""
    if fmt == "json":
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    import yaml  # imported here: a JSON-only store never pays for PyYAML

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(
        data,
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # never fold long descriptions: folding would make diffs noisy
    )
    return text.encode("utf-8")


def decode(raw: bytes, fmt: str, path: Path) -> dict[str, Any]:
    """Parse one manifest and check it is a mapping of a format this code understands."""
    try:
        text = raw.decode("utf-8")
        if fmt == "json":
            data = json.loads(text)
        else:
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except (UnicodeDecodeError, ValueError) as exc:
        raise CorruptManifestError(path, f"not valid {fmt.upper()} ({_first_line(exc)})") from exc
    except Exception as exc:  # yaml.YAMLError, without importing yaml at module level
        if type(exc).__module__.startswith("yaml"):
            raise CorruptManifestError(path, f"not valid YAML ({_first_line(exc)})") from exc
        raise
    if not isinstance(data, dict):
        raise CorruptManifestError(path, "expected a mapping at the top level")
    version = data.get("format")
    if version != FORMAT_VERSION:
        raise CorruptManifestError(
            path,
            f"unknown format version {version!r} (this zenml-cli reads format {FORMAT_VERSION}; "
            "upgrade zenml-cli or restore the file)",
        )
    return data


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
