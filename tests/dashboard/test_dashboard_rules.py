"""The dashboard's pure parts, without a server or a browser: page paths that any model name
maps to safely and distinctly (dashboard/paths.py), the Host check that stops DNS rebinding
(dashboard/hosts.py), and how values are escaped and shown (dashboard/markup.py)."""

from __future__ import annotations

import math
import sys
from html import escape
from typing import Any

import pytest

from zenml_cli.core import metadata
from zenml_cli.dashboard import data, hosts, markup, paths

# ------------------------------------------------------------------ page paths


@pytest.mark.parametrize(
    "name",
    ["iris", "Iris", "../../etc/passwd", "a/b", "..", "CON", "ümlaut", "x" * 300, "-.-", "a b\n"],
)
def test_a_model_page_is_one_safe_folder_whatever_the_name(name: str) -> None:
    slug = paths.slug(name)
    assert slug == paths.slug(name)  # the same name always maps to the same page
    assert len(slug) <= 51 and all(c.isascii() and (c.isalnum() or c in "._-") for c in slug)
    assert not slug.startswith((".", "-"))
    page = paths.model_page(name)
    assert page == f"models/{slug}/index.html" and page.count("/") == 2
    assert paths.version_page(name, 7) == f"models/{slug}/7.html"


def test_names_that_read_alike_get_different_pages() -> None:
    """Case, punctuation and truncation would fold these together; the digest keeps them apart."""
    names = ["iris", "Iris", "IRIS", "i-ris", "i ris", "x" * 50 + "a", "x" * 50 + "b"]
    assert len({paths.slug(name) for name in names}) == len(names)


def test_a_name_with_nothing_readable_still_gets_a_page() -> None:
    assert paths.slug("ÄÖÜ").startswith("model-")
    assert paths.slug("...").startswith("model-")


# ------------------------------------------------------------------ the Host check


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost", "localhost"),
        ("LOCALHOST:8237", "localhost"),
        ("127.0.0.1:80", "127.0.0.1"),
        ("[::1]:8237", "::1"),
        ("", None),
        (None, None),
        ("evil.example/x", None),
        ("user@localhost", None),
        ("local host", None),
        ("a\\b", None),
        ("[::1", None),
    ],
)
def test_the_host_part_of_a_header(header: str | None, name: str | None) -> None:
    assert hosts.host_name(header) == name


@pytest.mark.parametrize(
    ("header", "bound", "answered"),
    [
        ("localhost:8237", "127.0.0.1", True),
        ("127.0.0.1:8237", "127.0.0.1", True),
        ("127.0.0.2", "127.0.0.1", True),  # all of 127/8 is this machine
        ("[::1]:8237", "127.0.0.1", True),
        ("localhost.:8237", "localhost", True),
        ("evil.example:8237", "127.0.0.1", False),  # a rebinding attack's name
        ("127.0.0.1.evil.example", "127.0.0.1", False),
        ("127.1", "127.0.0.1", False),
        (None, "127.0.0.1", False),
        ("10.0.0.5:8237", "10.0.0.5", True),
        ("localhost", "10.0.0.5", False),  # bound to one address: only that address
        ("10.0.0.6", "10.0.0.5", False),
        ("192.168.1.20:8237", "0.0.0.0", True),  # any interface: any address literal
        ("[fe80::1]", "::", True),
        ("localhost", "0.0.0.0", True),
        ("evil.example", "0.0.0.0", False),
        ("board.internal", "Board.Internal", True),
        ("[::1]", "[::1]", True),
    ],
)
def test_only_hosts_the_server_stands_for_are_answered(
    header: str | None, bound: str, answered: bool
) -> None:
    assert hosts.allowed(header, bound) is answered


# ------------------------------------------------------------------ markup


@pytest.mark.parametrize(
    ("value", "html"),
    [
        ("<script>", "&lt;script&gt;"),
        ('" onmouseover="x', "&quot; onmouseover=&quot;x"),
        ("'", "&#x27;"),
        ("a & b", "a &amp; b"),
        (None, ""),
        (3, "3"),
    ],
)
def test_user_text_is_escaped_for_content_and_attributes(value: object, html: str) -> None:
    assert markup.esc(value) == html


def test_esc_is_html_escape_whether_or_not_text_needs_it() -> None:
    """``esc`` skips ``html.escape`` for text without a special character: every character
    ``escape`` replaces must still be found, anywhere in the text, of any type."""
    samples: list[object] = ["", "plain", "model-00042", "\u00e9\u2192", 0, -1.5, True]
    for special in "&<>\"'":
        samples += [special, f"a{special}", f"{special}b", f"x{special}y{special}"]
    samples.append(type("Text", (str,), {"__str__": lambda self: "<sub>"})("sub"))
    for value in samples:
        assert markup.esc(value) == escape(str(value), quote=True), value


def test_a_link_escapes_both_its_target_and_its_text() -> None:
    assert markup.link('x"y', "<b>", "c<") == '<a href="x&quot;y" class="c&lt;">&lt;b&gt;</a>'


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        ("text", "text"),
        (3, "3"),
        (2.0, "2.0"),
        (0.123456789, "0.123457"),
        (1e20, "1e+20"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        ({"b": 1, "a": [1, "é"]}, '{"a": [1, "é"], "b": 1}'),
    ],
)
def test_metadata_values_show_as_plain_text(value: Any, text: str) -> None:
    assert markup.value_text(value) == text


def test_long_values_are_cut_with_an_ellipsis() -> None:
    assert markup.value_text("abcdef", limit=4) == "abc\u2026"
    assert markup.value_text("abcd", limit=4) == "abcd"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (None, ""),
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (5 * 1024**2, "5.0 MiB"),
        (3 * 1024**3, "3.0 GiB"),
        (2048 * 1024**3, "2048.0 GiB"),
    ],
)
def test_sizes_read_in_binary_units(size: int | None, text: str) -> None:
    assert markup.size_text(size) == text


def test_a_time_shows_to_the_second_and_keeps_the_full_value() -> None:
    html = markup.when("2026-01-02T03:04:05.678901Z")
    assert ">2026-01-02 03:04:05Z</time>" in html
    assert 'datetime="2026-01-02T03:04:05.678901Z"' in html
    assert markup.when(None) == markup.when("") == ""


@pytest.mark.parametrize(
    ("value", "charted"), [(1, True), (0.5, True), (math.nan, False), (True, False), ("1", False)]
)
def test_only_finite_numbers_are_charted(value: Any, charted: bool) -> None:
    assert markup.is_number(value) is charted


@pytest.mark.parametrize("value", [1, -2, 0.5, math.nan, math.inf, True, "1", None, 10**400])
def test_the_chart_applies_the_cores_number_rule_and_only_adds_the_float_range(
    value: Any,
) -> None:
    """One home for the rule: the dashboard charts what the core counts as a number (the
    same function, reached through the registry), less the ints no float can hold."""
    assert data.is_finite_number is metadata.is_finite_number
    fits_a_float = not isinstance(value, int) or abs(value) <= sys.float_info.max
    assert markup.is_number(value) is (metadata.is_finite_number(value) and fits_a_float)
