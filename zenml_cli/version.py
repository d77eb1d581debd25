"""The package's version: a leaf, so code that stamps caches with it (doctor's) need not
import the package's public facade (``zenml_cli/__init__.py`` imports half the package)."""

__version__ = "0.1.0"
