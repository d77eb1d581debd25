"""GitHub Actions conventions: a short Markdown summary of a promotion in the job's summary
page when ``$GITHUB_STEP_SUMMARY`` names a file (GitHub sets it in every step).

Model and version names, metric values and messages may come from the repository (a
teammate's commit, a pull request), so every one of them goes through ``md`` before it reaches
the summary: it shows as the text it is, on one line, and can add no heading, list item, link,
image or HTML of its own.
"""

from __future__ import annotations

import os
import re
from typing import Any

from zenml_cli.cli.inert_text import visible

#: Every ASCII punctuation character can be backslash-escaped in CommonMark (and GFM).
#: ``string.punctuation``, spelt out: importing ``string`` compiles a regex on every command.
_PUNCTUATION = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
_MARKDOWN_ESCAPES = {ord(c): f"\\{c}" for c in _PUNCTUATION}


def md(value: object) -> str:
    """``value`` as inert Markdown text on one line: control characters and line breaks are
    shown as escapes (``\\n``), then every ASCII punctuation character is backslash-escaped
    (no emphasis, code span, link, autolink, HTML or table cell can start)."""
    return visible(str(value)).translate(_MARKDOWN_ESCAPES)


def code(value: object) -> str:
    """``value`` as an inline code span on one line: fenced by one backtick more than its
    longest run of backticks (so it cannot close early), padded when it starts or ends with a
    backtick or a space (CommonMark strips one space from each side of such a span)."""
    text = visible(str(value))
    if not text:
        return md(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def summarise_promotion(
    model: str,
    number: int,
    name: str,
    from_stage: str,
    to_stage: str,
    described: str,
    gate: dict[str, Any] | None,
    why: str | None,
) -> None:
    """Append a few lines on one promotion to ``$GITHUB_STEP_SUMMARY`` (nothing if unset):
    a heading, then ``described``, the sentence the CLI printed on stderr."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    label = f"{number} ({code(name)})" if name != str(number) else md(number)
    lines = [
        f"### {code(model)} version {label}: {md(from_stage)} → **{md(to_stage)}**",
        "",
    ]
    lines.append(f"- {md(described)}")
    if gate:
        holder = gate["holder_value"] if gate["holder_value"] is not None else "nothing"
        rule = f"{gate['key']}:{gate['direction']}"
        lines.append(f"- gate {code(rule)} passed: {md(gate['candidate'])} against {md(holder)}")
    if why:
        lines.append(f"- why: {md(why)}")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines).rstrip() + "\n\n")
