"""The ``zenml`` command line. The only layer that imports typer (rich, which Typer depends
on, is never imported: ``render`` draws the tables)."""
