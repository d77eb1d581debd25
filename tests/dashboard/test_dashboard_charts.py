"""The dashboard's charts and timeline as pure functions (dashboard/chart.py,
dashboard/timeline.py): one point per version whose value is a finite number, coordinates that
stay inside the drawing whatever the values, and stage terms that end for the reason the
history gives."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from zenml_cli.core.history import HistoryEvent
from zenml_cli.dashboard import chart as chart_module
from zenml_cli.dashboard.chart import HEIGHT, WIDTH, chart, numeric_keys
from zenml_cli.dashboard.timeline import tenures


@dataclass
class Row:
    number: int
    name: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


def rows(*values: Any) -> list[Row]:
    return [Row(n, f"v{n}", {"m": v}) for n, v in enumerate(values, start=1) if v is not None]


def points(svg: str) -> list[tuple[int, float, float]]:
    found = re.findall(r'data-version="(\d+)" data-value="[^"]*" cx="([^"]+)" cy="([^"]+)"', svg)
    return [(int(n), float(x), float(y)) for n, x, y in found]


def test_numeric_keys_are_those_with_a_finite_number_somewhere() -> None:
    table = [
        Row(1, metadata={"auc": 0.9, "note": "x", "ok": True}),
        Row(2, metadata={"loss": math.nan, "f1": 1}),
        Row(3, metadata={"loss": "n/a"}),
    ]
    assert numeric_keys(table) == ["auc", "f1"]


def test_one_point_per_version_with_a_number_and_the_count_says_so() -> None:
    table = rows(0.5, "n/a", 0.7, math.inf, True, 0.9)
    svg = chart("m", table, lambda row: f"{row.number}.html")
    assert [n for n, _, _ in points(svg)] == [1, 3, 6]
    assert "3 of 6 version(s) have a number" in svg
    assert 'href="6.html"' in svg and 'href="2.html"' not in svg


def test_above_max_points_the_line_keeps_every_point_and_a_sample_is_marked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chart_module, "MAX_POINTS", 10)
    values = [float(n % 7) for n in range(1, 101)]
    values[40], values[60] = -5.0, 50.0  # the lowest and the highest, off the sample's grid
    svg = chart("m", rows(*values), str)
    marked = [n for n, _, _ in points(svg)]
    assert len(marked) <= 10 and marked == sorted(marked)
    assert {1, 100, 41, 61} <= set(marked)
    line = re.search(r'<polyline class="line" points="([^"]+)"', svg)
    assert line and len(line.group(1).split()) == 100
    assert "100 of 100 version(s) have a number; 10 of them marked" in svg


def test_higher_values_are_drawn_higher_and_later_versions_further_right() -> None:
    (one, x1, y1), (two, x2, y2), (three, x3, y3) = points(chart("m", rows(1, 3, 2), str))
    assert x1 < x2 < x3
    assert y2 < y3 < y1  # SVG's y grows downwards


@pytest.mark.parametrize(
    "values",
    [
        (0.5,),
        (2, 2, 2),
        (1e308, -1e308),
        (-1e308, 0, 1e308),
        (5e-324, 0),
        (1, 10**400),  # an int too large for a float is not charted, not a crash
    ],
    ids=["one", "flat", "extremes", "extremes-3", "tiny", "huge-int"],
)
def test_every_point_lies_inside_the_drawing(values: tuple[Any, ...]) -> None:
    table = [Row(n, "v", {"m": v}) for n, v in enumerate(values, start=1)]
    try:
        svg = chart("m", table, str)
    except OverflowError:
        pytest.fail("a value that is a number must chart, not crash")
    for _, x, y in points(svg):
        assert 0 <= x <= WIDTH and 0 <= y <= HEIGHT
    assert "nan" not in svg.split("</svg>")[0].split("<title>")[0]


def test_a_key_or_name_cannot_break_out_of_the_markup() -> None:
    table = [Row(1, '"><script>', {'k"><x': 1.0})]
    svg = chart('k"><x', table, lambda row: 'a"b')
    assert "<script>" not in svg and '"><x' not in svg and 'href="a&quot;b"' in svg


# ------------------------------------------------------------------ timeline


def event(seq: int, kind: str = "stage", actor: str = "ann", **fields: Any) -> HistoryEvent:
    return HistoryEvent(
        seq=seq, time=f"2026-01-0{seq}T00:00:00Z", actor=actor, event=kind, **fields
    )


def test_terms_end_for_the_reason_history_gives() -> None:
    terms = tenures(
        [
            event(1, version=1, to="staging", version_name="first", message="try it"),
            event(2, version=1, to="production", actor="bob"),
            event(3, version=2, to="production", actor="cy", archived=1),
            event(4, "delete", version=2, actor="dee"),
        ]
    )
    described = [
        (t.stage, t.version, t.start[:10], t.end and t.end[:10], t.ended_by) for t in terms
    ]
    assert described == [
        ("staging", 1, "2026-01-01", "2026-01-02", "moved to production (bob)"),
        ("production", 1, "2026-01-02", "2026-01-03", "replaced by version 2 (cy)"),
        ("production", 2, "2026-01-03", "2026-01-04", "deleted (dee)"),
    ]
    assert (terms[0].version_name, terms[0].message, terms[0].promoted_by) == (
        "first",
        "try it",
        "ann",
    )


def test_a_term_a_reconcile_restores_names_no_version_name() -> None:
    terms = tenures(
        [
            event(1, version=1, to="production", version_name="first"),
            event(2, version=2, to="production", version_name="second"),
            event(3, "reconcile", to={"staging": None, "production": 1}),
        ]
    )
    restored = terms[-1]
    assert (restored.version, restored.version_name, restored.end) == (1, None, None)
    assert terms[1].ended_by == "reconcile: model.yaml's holders stand (ann)"


def test_a_skipped_event_starts_or_ends_no_term() -> None:
    terms = tenures(
        [
            event(1, version=1, to="production"),
            event(2, version=2, to="production", skipped="its gate no longer passed"),
        ]
    )
    assert [(t.version, t.end) for t in terms] == [(1, None)]
