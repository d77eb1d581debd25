"""``python -m zenml_cli``: the same as the ``zenml`` command."""

from zenml_cli.cli.app import main

main()
