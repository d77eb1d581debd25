"""Store strings on their way to a terminal, a CI log or a shell (cli/inert_text.py,
cli/complete_shells.py), as pure functions: escapes show as text, no printed line can become a
GitHub Actions workflow command, YAML and JSON read back exactly, and a completion word is
read by the shell as exactly the name it stands for."""

from __future__ import annotations

import json
import re
import shlex

import pytest
import yaml

from zenml_cli.cli.complete_shells import bash_word
from zenml_cli.cli.inert_text import BIDI, guard_line, guard_lines, json_text, visible, yaml_text

HOSTILE = [
    "\x1b]0;owned\x07",
    "\x1b[31mred\x1b[0m",
    "line\nbreak",
    "carriage\rreturn",
    "para\u2029graph",
    "line\u2028sep",
    "\u202eevil\u202c",
    "nul\x00byte",
    "del\x7f",
    "c1\x9b31m",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_visible_text_holds_no_character_that_acts_on_a_terminal(text: str) -> None:
    shown = visible(text)
    assert shown.isprintable()
    assert not any(c in BIDI for c in shown)


@pytest.mark.parametrize("text", ["plain", "ümlaut ✓", "tab-free text", ""])
def test_printable_text_is_shown_as_it_is(text: str) -> None:
    assert visible(text) is text


def test_our_own_messages_may_keep_their_newlines() -> None:
    assert visible("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"
    assert visible("a\nb") == "a\\nb"


@pytest.mark.parametrize(
    ("line", "guarded"),
    [
        ("::set-output name=x::1", "\\::set-output name=x::1"),
        ("  ::add-mask::secret", "  \\::add-mask::secret"),
        ("\t::error::x", "\t\\::error::x"),
        (":single colon", ":single colon"),
        ("text ::later", "text ::later"),
        ("", ""),
    ],
)
def test_a_line_starting_with_two_colons_loses_its_power(line: str, guarded: str) -> None:
    assert guard_line(line) == guarded


def test_every_line_of_a_text_is_guarded() -> None:
    assert guard_lines("ok\n::warning::x\n  ::debug::y") == "ok\n\\::warning::x\n  \\::debug::y"
    assert guard_lines("no commands") == "no commands"


@pytest.mark.parametrize("text", [*HOSTILE, "::set-output name=a::b", ": colon", "ok"])
def test_yaml_output_reads_back_exactly_and_no_string_starts_a_line(text: str) -> None:
    data = {"description": text, "tags": [text], text: "as a key"}
    out = yaml_text(data)
    assert yaml.safe_load(out) == data
    for line in out.splitlines():
        assert not line.lstrip().startswith("::")
        assert line.isprintable()


def test_yaml_output_never_folds_a_long_line() -> None:
    out = yaml_text({"d": "word " * 200})
    assert len(out.splitlines()) == 1


@pytest.mark.parametrize("text", HOSTILE)
def test_json_output_escapes_del_and_c1_and_still_parses(text: str) -> None:
    out = json_text(json.dumps({"v": text}, ensure_ascii=False))
    assert json.loads(out) == {"v": text}
    assert not any(0x7F <= ord(c) < 0xA0 for c in out)


@pytest.mark.parametrize(
    "name",
    [
        "iris",
        "my model",
        "a;rm -rf ~",
        "$(touch pwned)",
        "`id`",
        "quote'd",
        'dq"x',
        "back\\slash",
        "glob*?[x]",
        "tilde~home",
        "brace{a,b}",
        "ümlaut",
        "amp&pipe|",
        "hash#x",
    ],
)
def test_a_bash_completion_word_reads_back_as_the_name(name: str) -> None:
    word = bash_word(name)
    assert shlex.split(word) == [name]
    unescaped = re.sub(r"\\.", "", word, flags=re.S)
    assert not set(unescaped) & set("$`;|&'\" \\*?[]{}~#()<>")
