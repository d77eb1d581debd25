"""Reading a ZenML run configuration file (``pipeline.with_options(config_path=...)``).

The file is the user's code, not a manifest, but it is still parsed like untrusted input: at
most ``MAX_BYTES``, UTF-8, the same strict safe YAML loader as manifests (no anchors or
aliases, no duplicate keys, no implicit dates), and a mapping at the top. Every problem is one
InvalidInputError naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zenml_cli.errors import InvalidInputError, NotFoundError

#: A run configuration is a page of YAML; anything this large is not one.
MAX_BYTES = 1024 * 1024


def read_run_config(path: Path) -> dict[str, Any]:
    from zenml_cli.store.bounded import ReadRefused, read_bounded
    from zenml_cli.store.codec import _load_yaml

    try:  # the user named this path: a link is theirs to make; a FIFO or device still fails
        raw = read_bounded(path, MAX_BYTES, follow_links=True)
    except FileNotFoundError:
        raise NotFoundError(
            f"run configuration file '{path}' does not exist; check config_path="
        ) from None
    except ReadRefused as exc:
        raise InvalidInputError(
            f"run configuration file '{path}' {exc.problem}; a run configuration is a short "
            "YAML file"
        ) from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read run configuration file '{path}': {exc}") from None
    try:
        data = _load_yaml(raw.decode("utf-8"), raw)
    except UnicodeDecodeError:
        raise InvalidInputError(f"run configuration file '{path}' is not UTF-8 text") from None
    except Exception as exc:  # yaml.YAMLError, without importing yaml at module level
        if not type(exc).__module__.startswith("yaml"):
            raise
        problem = " ".join(str(exc).split())[:200]
        raise InvalidInputError(
            f"run configuration file '{path}' is not valid YAML ({problem})"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"run configuration file '{path}' must be a mapping (keys such as model:, "
            "parameters:, steps:)"
        )
    return data
