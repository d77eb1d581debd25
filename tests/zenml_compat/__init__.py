"""ZenML compatibility suite (see conftest.py)."""
