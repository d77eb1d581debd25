"""A step's declared outputs, as read from its return annotation by ``outputs.signature_of``.

Plain data in a module of its own, so the step context (``context.py``) can name it without
importing ``outputs.py``, which imports the context.
"""

from __future__ import annotations

from dataclasses import dataclass

from zenml_cli.artifacts.artifact_config import ArtifactConfig


@dataclass
class OutputSpec:
    name: str
    config: ArtifactConfig


@dataclass
class OutputSignature:
    outputs: list[OutputSpec]
    is_tuple: bool
    #: True when the step has no return annotation: its value decides whether it has an output.
    implicit: bool = False
