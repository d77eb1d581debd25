"""``zenml doctor``: the run, its checks (one module per family of manifests), the problems
they report, and ``doctor --against`` (successor)."""
