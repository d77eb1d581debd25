"""Every typer command module of ``zenml``: one module per command group (``app.py`` in
``cli/`` mounts them)."""
