"""Inline SVG line charts of one numeric metadata key across a model's versions.

One ``<circle class="point" data-version="N">`` per version whose value for the key is a
number (bool is not a number); each point links to its version page and carries a tooltip.
The x axis is the version number, so gaps (versions without the key) stay visible.

Above ``MAX_POINTS`` numbers the line still runs through every one of them, but only an
evenly spaced sample of at most ``MAX_POINTS`` carries a circle (always the first, the last,
the lowest and the highest): 100,000 linked circles would be tens of MB of SVG in a chart
480 pixels wide, and every version has its own page anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zenml_cli.dashboard.markup import esc, is_number, number_text

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28
#: The most circles (linked points with a tooltip) one chart draws.
MAX_POINTS = 1000


def numeric_keys(rows: Sequence[Any]) -> list[str]:
    """Metadata keys that hold a number in at least one version, sorted."""
    return sorted({k for row in rows for k, v in row.metadata.items() if is_number(v)})


def chart(key: str, rows: Sequence[Any], href: Any) -> str:
    """The chart of ``key`` over ``rows`` (VersionRows, ascending number); ``href(row)`` is the
    link of a version's page."""
    points = [(row, row.metadata[key]) for row in rows if is_number(row.metadata.get(key))]
    numbers: list[int] = [row.number for row, _ in points]
    values = [float(value) for _, value in points]
    x_low, x_high = min(numbers), max(numbers)
    y_low, y_high = min(values), max(values)

    def x(number: int) -> float:
        if x_high == x_low:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + (number - x_low) / (x_high - x_low) * (WIDTH - LEFT - RIGHT)

    # Halved: the span of two finite floats (1e308 - -1e308) would overflow to inf.
    half_span = y_high / 2 - y_low / 2

    def y(value: float) -> float:
        if half_span == 0:  # one value (or two too close to tell apart): a flat line
            return TOP + (HEIGHT - TOP - BOTTOM) / 2
        share = (value / 2 - y_low / 2) / half_span
        return HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)

    coords = [(x(row.number), y(float(value))) for row, value in points]
    parts = [
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}"/>',
        _label(LEFT - 6, TOP + 4, "end", number_text(max(point[1] for point in points))),
        _label(LEFT - 6, HEIGHT - BOTTOM, "end", number_text(min(point[1] for point in points))),
        _label(LEFT, HEIGHT - 8, "start", f"v{x_low}"),
        _label(WIDTH - RIGHT, HEIGHT - 8, "end", f"v{x_high}"),
    ]
    if len(coords) > 1:
        line = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        parts.append(f'<polyline class="line" points="{line}"/>')
    for at in _circled(values):
        (row, value), (cx, cy) = points[at], coords[at]
        tip = f"version {row.number} ({row.name}): {key} = {number_text(value)}"
        parts.append(
            f'<a href="{esc(href(row))}"><circle class="point" data-version="{esc(row.number)}" '
            f'data-value="{esc(number_text(value))}" cx="{cx:.1f}" cy="{cy:.1f}" r="3.5">'
            f"<title>{esc(tip)}</title></circle></a>"
        )
    return (
        f'<figure class="chart" data-key="{esc(key)}"><figcaption>{esc(key)}</figcaption>'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{esc(key)} across {len(points)} version(s)">' + "".join(parts) + "</svg>"
        f'<div class="muted">{len(points)} of {len(rows)} version(s) have a number'
        f"{_sampled(len(points))}</div></figure>"
    )


def _circled(values: list[float]) -> list[int]:
    """Positions of the points drawn as circles: all, or ``MAX_POINTS`` spread evenly with
    the first, last, lowest and highest among them (ascending)."""
    count = len(values)
    if count <= MAX_POINTS:
        return list(range(count))
    step = (count - 1) / (MAX_POINTS - 3)  # room for the lowest and the highest
    chosen = {round(index * step) for index in range(MAX_POINTS - 2)}
    chosen |= {values.index(min(values)), values.index(max(values))}
    return sorted(chosen)


def _sampled(count: int) -> str:
    if count <= MAX_POINTS:
        return ""
    return f"; {MAX_POINTS} of them marked (the line runs through all)"


def _label(x: float, y: float, anchor: str, text: str) -> str:
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}">{esc(text)}</text>'
