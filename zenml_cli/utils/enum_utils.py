"""ZenML's ``zenml.utils.enum_utils.StrEnum`` import path (defined in ``zenml_cli.enums``)."""

from zenml_cli.enums import StrEnum as StrEnum
