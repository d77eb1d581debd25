"""ZenML's special string types (``from zenml_cli.types import HTMLString``).

A step that returns one saves it as a ``DataAnalysisArtifact`` whose payload keeps the type, so
loading it gives the same class back. Differs from ZenML: there is no dashboard rendering of
the text; ``zenml artifact`` commands show the version like any other.
"""

from __future__ import annotations


class HTMLString(str):
    """Text that is an HTML document or fragment (a report)."""


class MarkdownString(str):
    """Text in Markdown."""


class CSVString(str):
    """Text in CSV form."""


class JSONString(str):
    """Text that is a JSON document."""


#: The classes above: a step output of one of them is a data analysis artifact.
REPORT_TYPES = (HTMLString, MarkdownString, CSVString, JSONString)

__all__ = ["CSVString", "HTMLString", "JSONString", "MarkdownString"]
