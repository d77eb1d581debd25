"""ZenML's ``zenml.logger.get_logger``: a standard ``logging`` logger."""

from __future__ import annotations

import logging


def get_logger(logger_name: str) -> logging.Logger:
    """The logger named ``logger_name`` (usually ``__name__``)."""
    return logging.getLogger(logger_name)


__all__ = ["get_logger"]
