"""The push engine: registry writes as transactions on a git remote, and reading ``.zenml/``
through git (``doctor --against``, ``zenml resolve``, ``zenml git install``)."""
