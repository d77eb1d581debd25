"""gto's pattern for the error funnel (``cli/context.ErrorFunnel``): replace one ``Registry``
method with one that raises, run the command in process, and check that the exit code is the
error class's own and the message is one line on stderr. Every class in ``zenml_cli/errors.py``
is covered, found by reading the module, so a new error class is tested without a new line."""

from __future__ import annotations

import errno
import inspect
from typing import Any

import pytest

from zenml_cli import errors
from zenml_cli.registry import Registry

from support.running import Cli

MESSAGE = "model 'iris' is not what you think; see 'zenml model list'"


def _error_classes() -> list[type[errors.ZenMLCliError]]:
    return [
        value
        for _, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, errors.ZenMLCliError) and value.__module__ == errors.__name__
    ]


def _instance(kind: type[errors.ZenMLCliError]) -> errors.ZenMLCliError:
    if issubclass(kind, errors.CorruptManifestError):
        return kind(".zenml/models/iris/model.yaml", "not YAML")
    return kind(MESSAGE)


def _failing(error: BaseException) -> Any:
    def raise_it(*args: Any, **kwargs: Any) -> Any:
        raise error

    return raise_it


def test_every_error_class_is_covered() -> None:
    """The walk finds the classes the funnel distinguishes (a renamed module would make the
    parametrised test below vacuous)."""
    names = {kind.__name__ for kind in _error_classes()}
    assert {"NotFoundError", "RefusedError", "CorruptManifestError", "RemoteError"} <= names
    assert len(names) == 13


@pytest.mark.parametrize("kind", _error_classes(), ids=lambda kind: kind.__name__)
def test_each_error_class_exits_with_its_code(
    cli: Cli, client: Any, monkeypatch: pytest.MonkeyPatch, kind: type[errors.ZenMLCliError]
) -> None:
    error = _instance(kind)
    monkeypatch.setattr(Registry, "list_model_page", _failing(error))
    code, out, err = cli("model", "list")
    assert code == kind.exit_code
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert str(error) in err


@pytest.mark.parametrize("kind", _error_classes(), ids=lambda kind: kind.__name__)
def test_each_error_class_from_a_write(
    cli: Cli, client: Any, monkeypatch: pytest.MonkeyPatch, kind: type[errors.ZenMLCliError]
) -> None:
    """The same from a write command with ``-o json``: a refusal also prints its fields on
    stdout for scripts, every other error leaves stdout empty."""
    client.create_model("iris")
    client.create_model_version("iris")
    error = _instance(kind)
    monkeypatch.setattr(Registry, "update_version", _failing(error))
    code, out, err = cli("model", "version", "update", "iris", "1", "-s", "staging", "-o", "json")
    assert code == kind.exit_code
    assert err.count("\n") == 1 and str(error) in err, err
    if issubclass(kind, errors.RefusedError):
        assert '"exit_code": 4' in out
    else:
        assert out == ""


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyError("iris"), TypeError("no")])
def test_an_unexpected_exception_exits_1_with_one_line(
    cli: Cli, client: Any, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    monkeypatch.delenv("ZENML_DEBUG", raising=False)
    monkeypatch.setattr(Registry, "list_model_page", _failing(error))
    code, out, err = cli("model", "list")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"Error: unexpected {type(error).__name__}: ")
    assert "ZENML_DEBUG=1" in err


def test_an_os_error_exits_1_naming_the_file(
    cli: Cli, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = PermissionError(13, "Permission denied", ".zenml/models")
    monkeypatch.setattr(Registry, "list_model_page", _failing(error))
    code, out, err = cli("model", "list")
    assert (code, out) == (1, "")
    assert err == (
        "Error: Permission denied: .zenml/models; permission denied: run as a user who may "
        "write the store\n"
    )


@pytest.mark.parametrize(
    ("number", "hint"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EFBIG, "ulimit -f"),
        (errno.EROFS, "read-only filesystem"),
        (errno.EIO, None),  # no advice to give beyond the system's words
    ],
)
def test_an_os_error_says_what_to_do_when_it_can(
    cli: Cli, client: Any, monkeypatch: pytest.MonkeyPatch, number: int, hint: str | None
) -> None:
    """A full disk, a file size limit or a read-only store is the machine's refusal, not a
    bug: one line naming what happened and what to do (the store is as a crash leaves it)."""
    import os

    monkeypatch.setattr(Registry, "list_model_page", _failing(OSError(number, os.strerror(number))))
    code, out, err = cli("model", "list")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(f"Error: {os.strerror(number)}")
    assert (hint in err) if hint else (";" not in err)
