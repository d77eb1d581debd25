"""Artifact payloads: the artifact-store protocol and factory (``artifact_store.py``), its
backends (``local_store.py``, ``fsspec_store.py``) and what they share."""
