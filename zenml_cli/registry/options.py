"""Front-end helpers that read a file for the registry (the CLI has no filesystem code)."""

from __future__ import annotations

from typing import Any


def metadata_from_options(pairs: list[str] | None, path: str | None) -> dict[str, Any] | None:
    """``-M KEY=VALUE`` pairs over the mapping in ``--metadata-file`` (read here, parsed by
    the core), or None when neither was given."""
    from zenml_cli.core import metadata
    from zenml_cli.errors import InvalidInputError
    from zenml_cli.store.bounded import ReadRefused, read_bounded

    text = None
    if path is not None:
        try:  # bounded: a FIFO or /dev/zero given here must fail, not hang or fill memory
            text = read_bounded(path, follow_links=True).decode("utf-8")
        except OSError as exc:
            raise InvalidInputError(
                f"cannot read --metadata-file {path!r}: {exc.strerror or exc}"
            ) from None
        except ReadRefused as exc:
            raise InvalidInputError(f"--metadata-file {path!r} {exc.problem}") from None
        except UnicodeDecodeError:
            raise InvalidInputError(f"--metadata-file {path!r} is not UTF-8 text") from None
    return metadata.from_options(pairs, path, text)
