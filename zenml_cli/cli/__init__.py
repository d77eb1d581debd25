"""The ``zenml`` command line. The only layer that imports typer or rich."""
