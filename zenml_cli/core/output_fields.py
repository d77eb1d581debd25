"""The fields of each kind of listed item, for a front end that has no item to read them from
(a CSV/TSV header above no rows)."""

from __future__ import annotations


def output_fields(kind: str) -> list[str]:
    """Every field a listed ``model``, ``version``, ``artifact`` (version) or ``run`` has in
    JSON, in order: the CSV/TSV header, whether or not anything is listed. The records are
    imported only when asked (a listing with rows never asks)."""
    if kind == "model":
        from zenml_cli.core.model_records import ModelRecord

        return ModelRecord.output_fields()
    if kind == "version":
        from zenml_cli.core.version_records import ModelVersionRecord

        return ModelVersionRecord.output_fields()
    if kind == "artifact":
        from zenml_cli.core.artifacts.records import ArtifactVersionRecord

        return ArtifactVersionRecord.output_fields()
    from zenml_cli.core.runs import RunRecord

    return RunRecord.output_fields()
