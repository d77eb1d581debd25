"""Every typer command of ``zenml``: one module per command group, the root's own commands
in ``project.py`` and ``tool.py`` (``app.py`` in ``cli/`` mounts them)."""
