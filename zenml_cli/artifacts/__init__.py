"""Artifacts in pipeline code: ``ArtifactConfig`` and the ``utils`` functions ZenML users import."""
