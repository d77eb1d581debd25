"""Import paths ZenML code writes, renamed (gap 5)."""

from __future__ import annotations

import logging

import pytest

from zenml_cli import Client, Model


def test_model_module_paths():
    from zenml_cli.model import Model as FromPackage
    from zenml_cli.model.model import Model as FromModule

    assert FromPackage is FromModule is Model


def test_model_utils_paths():
    from zenml_cli.artifacts.utils import link_artifact_to_model as linker
    from zenml_cli.model.utils import link_artifact_to_model, log_model_metadata

    assert link_artifact_to_model is linker
    assert callable(log_model_metadata)


def test_artifact_config_path():
    from zenml_cli.artifacts.artifact_config import ArtifactConfig

    assert ArtifactConfig("x", is_model_artifact=True).is_model_artifact


def test_get_logger():
    from zenml_cli.logger import get_logger

    logger = get_logger(__name__)
    assert isinstance(logger, logging.Logger)
    assert logger.name == __name__


def test_entity_exists_error_is_raised_for_a_second_model_of_the_same_name():
    from zenml_cli.exceptions import EntityExistsError

    Client().create_model("dup_model")
    with pytest.raises(EntityExistsError):
        Client().create_model("dup_model")


def test_a_missing_model_is_a_key_error():
    with pytest.raises(KeyError):
        Client().get_model("never_created")


def test_step_context_error_outside_a_step():
    from zenml_cli import get_step_context
    from zenml_cli.exceptions import StepContextError

    with pytest.raises(StepContextError):
        get_step_context()


def test_zenml_names_alias_our_classes():
    from zenml_cli import errors, exceptions

    assert exceptions.ZenMLBaseException is errors.ZenMLCliError
    assert exceptions.DoesNotExistException is errors.NotFoundError
    assert exceptions.ValidationError is errors.InvalidInputError
    for name in exceptions.__all__:
        assert issubclass(getattr(exceptions, name), errors.ZenMLCliError)
